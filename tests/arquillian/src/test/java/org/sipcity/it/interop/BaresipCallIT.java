package org.sipcity.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.registrar.seed.SubscriberSeedServlet;

/**
 * Two baresip user agents (Debian's baresip 1.0, nothing of their SIP written by us) with config directories of their
 * own under {@code target/baresip/}, each registering over its own TCP connection with digest authentication, driven
 * through baresip's {@code ctrl_tcp} interface: both register (the location service holds both), then alice calls bob
 * through our proxy, bob answers by itself, alice hangs up, and the BYE reaches bob over the connection bob registered
 * over (read from bob's SIP trace), the server having accepted exactly the two connections.
 *
 * <p>baresip 1.0's digest code (libre) gives up on a challenge set that contains any algorithm but MD5, whatever
 * their order, so the registrar offers MD5 alone here ({@link DigestAlgorithms.Md5Only}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@ServerSetup(DigestAlgorithms.Md5Only.class)
class BaresipCallIT {

    private static final String DOMAIN = "localhost";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * Registration may take one retry: on a busy host the overload valve can shed a first REGISTER (503), and
     * baresip 1.0 (libre) tries again 30-60 s later, whatever the Retry-After. At once on a quiet machine.
     */
    private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(75);
    /** baresip ends itself after this ({@code -t}), whatever the test does. */
    private static final Duration AGENT_LIFETIME = Duration.ofSeconds(120);

    @Deployment(testable = false)
    static WebArchive registrar() {
        File war = new File(System.getProperty("sipcity.it.registrar.war"));
        return ShrinkWrap.create(ZipImporter.class, "sipcity-registrar.war").importFrom(war).as(WebArchive.class)
                .addPackage(SubscriberSeedServlet.class.getPackage());
    }

    @ArquillianResource
    ManagementClient management;

    private RegistrarClient server;
    private BaresipAgent alice;
    private BaresipAgent bob;
    private long connectionsBefore;

    @BeforeEach
    void registerBoth() throws Exception {
        assumeTrue(ExternalTools.requiredOrInstalled("baresip"), "baresip (Debian package) is not installed");
        server = new RegistrarClient(management);

        String run = UUID.randomUUID().toString().substring(0, 8);
        String password = "bs-" + run;
        String aliceUser = "bs-" + run + "-alice";
        String bobUser = "bs-" + run + "-bob";
        assertThat(server.importSubscribers("username,domain,password\n" + aliceUser + "," + DOMAIN + "," + password
                + "\n" + bobUser + "," + DOMAIN + "," + password + "\n")).startsWith("imported 2 ");

        InetSocketAddress sip = server.boundAddress("sip-tcp");
        connectionsBefore = server.connectorMetric("tcp", "accepted-connections");
        Path configs = Files.createDirectories(Path.of(System.getProperty("sipcity.it.work-dir", "target"))
                .resolve("baresip").resolve(run));
        bob = BaresipAgent.start(bobUser, DOMAIN, password, sip, configs, AGENT_LIFETIME);
        alice = BaresipAgent.start(aliceUser, DOMAIN, password, sip, configs, AGENT_LIFETIME);

        // Registered as the server sees it: each AOR has its binding in the location service.
        String aors = "sip:" + aliceUser + "@" + DOMAIN + "\nsip:" + bobUser + "@" + DOMAIN + "\n";
        Instant deadline = Instant.now().plus(REGISTRATION_WAIT);
        String held = server.bindings("sip:bs-" + run + "-", aors);
        while (!held.contains("live 2") && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            held = server.bindings("sip:bs-" + run + "-", aors);
        }
        assertThat(held).as("bindings of both; alice:\n%s\nbob:\n%s", alice.output(), bob.output())
                .contains("live 2").contains("stored 2");
    }

    @AfterEach
    void stopBoth() throws Exception {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void bothRegisterWithDigestOverTcpEachOnAConnectionOfItsOwn() throws Exception {
        for (BaresipAgent agent : List.of(alice, bob)) {
            List<BaresipAgent.Traced> trace = agent.trace();
            assertThat(trace).as(agent.output())
                    .anySatisfy(m -> assertThat(m.firstLine()).startsWith("SIP/2.0 401"))
                    .anySatisfy(m -> assertThat(m.firstLine()).startsWith("SIP/2.0 200"))
                    .allSatisfy(m -> assertThat(m.transport()).isEqualTo("TCP"));
        }
        assertThat(flowOf(alice)).isNotEqualTo(flowOf(bob));
        assertThat(server.connectorMetric("tcp", "accepted-connections") - connectionsBefore).isEqualTo(2);
    }

    @Test
    void aliceCallsBobThroughTheProxyAndTheByeReachesBobOverItsOwnConnection() throws Exception {
        alice.command("dial", "sip:" + bob.user() + "@" + DOMAIN);

        bob.await("CALL_ESTABLISHED", WAIT);
        alice.await("CALL_ESTABLISHED", WAIT);
        alice.command("hangup", "");
        BaresipAgent.Event closed = bob.await("CALL_CLOSED", WAIT);
        alice.await("CALL_CLOSED", WAIT);

        String bobsFlow = flowOf(bob);
        List<BaresipAgent.Traced> toBob = bob.trace().stream().filter(m -> m.to().equals(bobsFlow)).toList();
        assertThat(toBob).as("what bob received over the connection it registered over:\n%s", bob.output())
                .anySatisfy(m -> assertThat(m.firstLine()).startsWith("INVITE "))
                .anySatisfy(m -> assertThat(m.firstLine()).startsWith("ACK "))
                .anySatisfy(m -> assertThat(m.firstLine()).startsWith("BYE "));
        // Nothing reached bob any other way (its listening socket, a new connection).
        assertThat(bob.trace()).filteredOn(m -> m.firstLine().startsWith("BYE ")).hasSize(1)
                .allSatisfy(m -> assertThat(m.to()).isEqualTo(bobsFlow));
        assertThat(closed.param()).as(closed.json()).isNotBlank();
        assertThat(server.connectorMetric("tcp", "accepted-connections") - connectionsBefore).isEqualTo(2);
    }

    /** The local address of the connection the agent registered over: where its first REGISTER came from. */
    private static String flowOf(BaresipAgent agent) {
        return agent.trace().stream().filter(m -> m.firstLine().startsWith("REGISTER ")).findFirst()
                .orElseThrow(() -> new AssertionError(agent.user() + " sent no REGISTER:\n" + agent.output())).from();
    }
}
