package org.sipcity.it.registrar;

import java.io.File;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.sipcity.it.registrar.seed.SubscriberSeedServlet;

/**
 * The registrar WAR exactly as the build made it (system property {@code sipcity.it.registrar.war}), plus the
 * test-only {@link SubscriberSeedServlet} package that provisions subscribers for the ITs. This class lives outside
 * that package so that it stays out of the deployment.
 */
public final class RegistrarWar {

    private RegistrarWar() {
    }

    public static WebArchive withSubscriberSeed() {
        File war = new File(System.getProperty("sipcity.it.registrar.war"));
        return ShrinkWrap.create(ZipImporter.class, "sipcity-registrar.war").importFrom(war).as(WebArchive.class)
                .addPackage(SubscriberSeedServlet.class.getPackage());
    }
}
