package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.OperationBuilder;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.sip.plain.PlainOptionsServlet;

/**
 * A deployment whose {@code WEB-INF/sip.xml} is broken fails as a whole, and the management result says which file,
 * which line and what is wrong; nothing of it stays deployed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipDeploymentFailureIT {

    private static final String WAR = "broken-app.war";

    /** Deployed by the test through the management API, whose failure description is what is tested. */
    @Deployment(name = "broken", managed = false, testable = false)
    static WebArchive brokenApplication() {
        return ShrinkWrap.create(WebArchive.class, WAR)
                .addClass(PlainOptionsServlet.class)
                .addAsWebInfResource("plain/broken-sip.xml", "sip.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void brokenSipXmlFailsTheDeploymentWithTheFaultNamed() throws IOException {
        ModelNode add = new ModelNode();
        add.get("operation").set("add");
        add.get("address").add("deployment", WAR);
        add.get("enabled").set(true);
        add.get("content").add().get("input-stream-index").set(0);
        ModelNode response;
        try (InputStream war = brokenApplication().as(ZipExporter.class).exportAsInputStream()) {
            response = management.getControllerClient().execute(new OperationBuilder(add).addInputStream(war).build());
        }

        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("failed");
        assertThat(response.get("failure-description").asString())
                .contains("WEB-INF/sip.xml of " + WAR)
                .contains("<load-on-startup> must be an integer, found 'soon'");
        ModelNode read = new ModelNode();
        read.get("operation").set("read-resource");
        read.get("address").add("deployment", WAR);
        assertThat(management.getControllerClient().execute(read).get("outcome").asString())
                .as("a failed deployment is rolled back").isEqualTo("failed");
    }
}
