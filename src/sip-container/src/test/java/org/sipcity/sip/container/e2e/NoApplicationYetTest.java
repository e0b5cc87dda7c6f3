package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * A server whose connectors are open before any application is deployed (WildFly starts the SIP stack before the
 * deployments): requests meanwhile get 503 with Retry-After, a temporary refusal, not 404; once an application is
 * deployed they reach it.
 */
class NoApplicationYetTest {

    private SipContainer container;
    private SipStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (container != null) {
            container.close();
        }
    }

    @Test
    void beforeAnyApplicationIsDeployedRequestsAreRefusedForNowThenServed() throws Exception {
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(2, 100));
        stack = new SipStack(SipStackConfig.defaults(), container);
        container.bind(stack);
        SipConnector udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());

        try (RawSipClient client = RawSipClient.udp(udp.localAddress())) {
            String uri = "sip:127.0.0.1:" + udp.localAddress().getPort();
            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "", ""));
            String refused = client.receiveFinal();
            assertThat(RawSipClient.status(refused)).isEqualTo(503);
            assertThat(RawSipClient.header(refused, "Retry-After")).isNotBlank();

            container.deploy(SipDeploymentInfo.builder("late")
                    .classLoader(NoApplicationYetTest.class.getClassLoader())
                    .addServlet(new SipServletInfo("answerer", NamedDispatchTest.Answerer.class.getName(), 1, Map.of()))
                    .build());
            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
        }
    }
}
