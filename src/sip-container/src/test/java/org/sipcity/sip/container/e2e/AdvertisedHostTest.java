package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
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

/** The configured advertised host goes into the URIs the container writes and is recognised in Routes. */
class AdvertisedHostTest {

    @Test
    void contactCarriesTheAdvertisedHostAndItsRouteIsPopped() throws Exception {
        SipContainerConfig config = SipContainerConfig.defaults().withWorkers(2, 100).withAdvertisedHost("sip.example.com");
        try (SipContainer container = new SipContainer(config)) {
            SipStack stack = new SipStack(SipStackConfig.defaults(), container);
            try {
                container.bind(stack);
                container.deploy(SipDeploymentInfo.builder("app").classLoader(getClass().getClassLoader())
                        .addServlet(new SipServletInfo("s", TestRegistrarServlet.class.getName(), 1, Map.of())).build());
                SipConnector udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                        .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
                int port = udp.localAddress().getPort();
                try (RawSipClient client = RawSipClient.udp(udp.localAddress())) {
                    String callId = RawSipClient.random();
                    client.send(client.request("INVITE", "sip:127.0.0.1:" + port, callId, 1, null,
                            "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ">\r\n", ""));
                    String ok = client.receiveFinal();
                    assertThat(RawSipClient.header(ok, "Contact")).isEqualTo("<sip:sip.example.com:" + port + ">");
                    client.send(client.request("ACK", "sip:127.0.0.1:" + port, callId, 1, RawSipClient.toTag(ok), "", ""));

                    client.send(client.request("OPTIONS", "sip:bob@example.com", RawSipClient.random(), 1, null,
                            "Route: <sip:sip.example.com:" + port + ";lr>\r\n", ""));
                    String options = client.receiveResponseTo("OPTIONS");
                    assertThat(RawSipClient.header(options, "X-Popped-Route")).isEqualTo("<sip:sip.example.com:" + port + ";lr>");
                }
            } finally {
                stack.close();
            }
        }
    }
}
