package org.sipcity.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.registrar.seed.SubscriberSeedServlet;

/**
 * SIPp, a real user agent with no SIP written by us on its side, registers thousands of users with digest
 * authentication over one persistent TCP connection to the registrar WAR in the provisioned server: subscribers are
 * imported first with the registrar's own CSV importer, SIPp takes each user's credentials from an injection file
 * ({@code [authentication]}), every REGISTER must end in 200 listing the binding, and the location service must then
 * hold one binding per user, in memory and in the database. A 503 from the overload valve (a busy build host) is
 * retried after its Retry-After, as RFC 3261 §21.5.4 asks of a UA, and counted in the output.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@ServerSetup(DigestAlgorithms.Md5First.class)
class SippRegistrationIT {

    private static final int USERS = 5_000;
    private static final int PER_SECOND = 500;
    /** Registrations in progress at once: a UA population, not a flood (the overload valve has its own IT). */
    private static final int MAX_OPEN = 50;
    private static final String PASSWORD = "Sipp-pa55-word";
    @Deployment(testable = false)
    static WebArchive registrar() {
        File war = new File(System.getProperty("sipcity.it.registrar.war"));
        return ShrinkWrap.create(ZipImporter.class, "sipcity-registrar.war").importFrom(war).as(WebArchive.class)
                .addPackage(SubscriberSeedServlet.class.getPackage());
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void sippRegistersThousandsOfUsersWithDigestOverOnePersistentTcpConnection() throws Exception {
        assumeTrue(ExternalTools.requiredOrInstalled("sipp"), "sipp (Debian sip-tester) is not installed");
        RegistrarClient server = new RegistrarClient(management);
        String prefix = "sipp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        // SIPp's screen, error log and injection file stay in target/sipp/<prefix> for a look after a failure.
        Path work = Files.createDirectories(Path.of(System.getProperty("sipcity.it.work-dir", "target"))
                .resolve("sipp").resolve(prefix));
        StringBuilder subscribers = new StringBuilder("username,domain,password\n");
        StringBuilder injection = new StringBuilder("SEQUENTIAL\n");
        StringBuilder aors = new StringBuilder();
        for (int i = 0; i < USERS; i++) {
            String user = prefix + String.format("%05d", i);
            subscribers.append(user).append(",localhost,").append(PASSWORD).append('\n');
            injection.append(user).append(";[authentication username=").append(user).append(" password=")
                    .append(PASSWORD).append("]\n");
            aors.append("sip:").append(user).append("@localhost\n");
        }
        Path users = Files.writeString(work.resolve("users.csv"), injection);

        assertThat(server.importSubscribers(subscribers.toString()))
                .startsWith("imported " + USERS + " existing 0 rejected 0");
        InetSocketAddress sip = server.boundAddress("sip-tcp");
        long connectionsBefore = server.connectorMetric("tcp", "accepted-connections");

        SippRun.Result sipp = new SippRun(scenario("register-digest.xml"), sip, "t1", work)
                .injection(users)
                .calls(USERS, PER_SECOND, MAX_OPEN)
                .limit(Duration.ofSeconds(180))
                .run();
        // Not a failure: the overload valve may shed on a busy build host, and SIPp retries as a UA must.
        System.out.printf("SIPp registered %d users over TCP at %d/s: %d answered 503 and retried after Retry-After%n",
                sipp.successfulCalls(), PER_SECOND, sipp.serviceUnavailable());

        assertThat(sipp.successfulCalls()).as(sipp.report()).isEqualTo(USERS);
        assertThat(sipp.failedCalls()).as(sipp.report()).isZero();
        assertThat(sipp.exitCode()).as(sipp.report()).isZero();
        // -t t1: every registration over one connection, as the paper's persistent-TCP clients.
        assertThat(server.connectorMetric("tcp", "accepted-connections") - connectionsBefore).isEqualTo(1);
        assertThat(server.bindings("sip:" + prefix, aors.toString()))
                .contains("live " + USERS).contains("stored " + USERS);
    }

    private static Path scenario(String name) throws URISyntaxException {
        return Path.of(SippRegistrationIT.class.getResource("/sipp/" + name).toURI());
    }
}
