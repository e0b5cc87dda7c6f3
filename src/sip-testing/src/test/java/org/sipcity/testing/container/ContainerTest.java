package org.sipcity.testing.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.testing.Dialog;
import org.sipcity.testing.SentRequest;
import org.sipcity.testing.SipAssertions;
import org.sipcity.testing.SipTestClient;

/** The test client against a SIP servlet application in an in-JVM {@link SipContainer}, over UDP and TCP. */
class ContainerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static SipContainer container;
    private static SipStack stack;
    private static final Map<TransportType, InetSocketAddress> PORTS = new EnumMap<>(TransportType.class);

    @BeforeAll
    static void deploy() throws Exception {
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(2, 100));
        stack = new SipStack(SipStackConfig.defaults(), container);
        container.bind(stack);
        container.deploy(SipDeploymentInfo.builder("echo")
                .classLoader(ContainerTest.class.getClassLoader())
                .addServlet(new SipServletInfo("echo", EchoServlet.class.getName(), 1, Map.of()))
                .build());
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (TransportType transport : new TransportType[] {TransportType.UDP, TransportType.TCP}) {
            PORTS.put(transport, stack.start(SipConnectorConfig.builder("c-" + transport, transport)
                    .bindAddress(loopback).reusePort(false).build()).localAddress());
        }
    }

    @AfterAll
    static void undeploy() {
        if (stack != null) {
            stack.close();
        }
        if (container != null) {
            container.close();
        }
    }

    private static String uri(String user, TransportType transport) {
        return "sip:" + user + "@127.0.0.1:" + PORTS.get(transport).getPort() + ";transport="
                + transport.uriParameter();
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"UDP", "TCP"})
    void optionsReachesTheServlet(TransportType transport) {
        try (SipTestClient client = SipTestClient.builder().transports(transport).build()) {
            SipResponse ok = client.request("OPTIONS", uri("echo", transport)).send().awaitFinal(WAIT);

            SipAssertions.assertThat(ok).hasStatus(200).hasToTag().hasHeaderContaining("X-Servlet", "echo");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"UDP", "TCP"})
    void aCallIsSetUpAndTornDown(TransportType transport) {
        try (SipTestClient client = SipTestClient.builder().transports(transport).build()) {
            SentRequest invite = client.request("INVITE", uri("echo", transport)).send();

            SipAssertions.assertThat(invite.awaitFinal(WAIT)).hasStatus(200).hasHeader("Contact");
            assertThat(invite.provisionals()).extracting(SipResponse::getStatus).contains(180);
            Dialog dialog = invite.ack(WAIT);

            SipAssertions.assertThat(dialog.bye().awaitFinal(WAIT)).hasStatus(200);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"UDP", "TCP"})
    void registerAuthenticatesAgainstTheServletsChallenge(TransportType transport) {
        try (SipTestClient client = SipTestClient.builder().transports(transport).user("carol").build()) {
            SentRequest register = client.request("REGISTER", "sip:127.0.0.1").target(PORTS.get(transport)).send();
            SipAssertions.assertThat(register.awaitFinal(WAIT)).hasStatus(401);

            SipAssertions.assertThat(register.authenticate("carol", EchoServlet.PASSWORD, WAIT).awaitFinal(WAIT))
                    .hasStatus(200);
            SipAssertions.assertThat(register.authenticate("carol", "not-it", WAIT).awaitFinal(WAIT))
                    .hasStatus(403);
        }
    }
}
