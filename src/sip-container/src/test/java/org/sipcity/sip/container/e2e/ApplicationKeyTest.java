package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.deployment.SipAnnotations;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/** JSR 289 §15.11.2: initial requests whose @SipApplicationKey is equal share one application session. */
class ApplicationKeyTest {

    @Test
    void registersOfOneUserShareTheApplicationSession() throws Exception {
        SipDeploymentInfo info = SipAnnotations.read(List.of(KeyedRegistrarServlet.class), null, "keyed", "keyed.war")
                .classLoader(getClass().getClassLoader()).build();
        assertThat(info.applicationKeyMethod()).isEqualTo("addressOfRecord");
        try (SipContainer container = new SipContainer(SipContainerConfig.defaults().withWorkers(4, 100))) {
            SipStack stack = new SipStack(SipStackConfig.defaults(), container);
            try {
                container.bind(stack);
                container.deploy(info);
                SipConnector udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                        .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
                try (RawSipClient client = RawSipClient.udp(udp.localAddress())) {
                    for (String user : List.of("alice", "bob", "alice", "alice", "bob")) {
                        String register = client.request("REGISTER", "sip:127.0.0.1", RawSipClient.random(), 1, null,
                                "Contact: <sip:" + user + "@192.0.2.9>\r\n", "")
                                .replace("To: <sip:alice@example.com>", "To: <sip:" + user + "@example.com>");
                        client.send(register);
                        assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
                    }
                }
                assertThat(KeyedRegistrarServlet.SESSIONS_BY_USER.get("alice")).hasSize(3).containsOnly(
                        KeyedRegistrarServlet.SESSIONS_BY_USER.get("alice").peek());
                assertThat(KeyedRegistrarServlet.SESSIONS_BY_USER.get("bob")).hasSize(2).containsOnly(
                        KeyedRegistrarServlet.SESSIONS_BY_USER.get("bob").peek());
                assertThat(KeyedRegistrarServlet.SESSIONS_BY_USER.get("alice").peek())
                        .isNotEqualTo(KeyedRegistrarServlet.SESSIONS_BY_USER.get("bob").peek());
                assertThat(container.applicationSessions("keyed")).isEqualTo(2);
            } finally {
                stack.close();
            }
        }
    }
}
