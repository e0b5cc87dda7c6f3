package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.timer.SimulatedTimer;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * RFC 3261 §16.8 Timer C: a branch that rings but never answers is cancelled after the proxy timeout. The container
 * runs on a simulated clock (the stack keeps its real one), so the timeout passes when the test says.
 */
class ProxyTimerCTest {

    @Test
    void aBranchThatOnlyRingsIsCancelledWhenTimerCFires() throws Exception {
        SimulatedTimer clock = new SimulatedTimer();
        try (SipContainer container = new SipContainer(SipContainerConfig.defaults().withWorkers(2, 100), clock)) {
            SipStack stack = new SipStack(SipStackConfig.defaults(), container);
            try {
                container.bind(stack);
                container.deploy(SipDeploymentInfo.builder("proxy").classLoader(getClass().getClassLoader())
                        .addServlet(new SipServletInfo("proxy", ProxyTestServlet.class.getName())).build());
                SipConnector udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                        .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
                try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
                     RawSipClient callee = RawSipClient.udp(udp.localAddress())) {
                    String calleeUri = "sip:bob@127.0.0.1:" + callee.localPort();
                    caller.send(caller.request("INVITE", "sip:127.0.0.1:" + udp.localAddress().getPort(),
                            RawSipClient.random(), 1, null, "Contact: <sip:alice@127.0.0.1:" + caller.localPort()
                                    + ">\r\nX-Targets: " + calleeUri + "\r\nX-Proxy-Timeout: 60\r\n", ""));
                    String invite = callee.receiveRequest();
                    callee.send(RawSipClient.answer(invite, 180, "Ringing", "c", ""));
                    assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(180);

                    // The proxy re-armed Timer C for the 180 before relaying it (§16.7 step 2): 60 s from now it fires.
                    clock.advance(60, TimeUnit.SECONDS);
                    String cancel = callee.receiveRequest("CANCEL");
                    assertThat(cancel).startsWith("CANCEL " + calleeUri + " SIP/2.0\r\n");
                    callee.send(RawSipClient.answer(cancel, 200, "OK", "c", ""));
                    callee.send(RawSipClient.answer(invite, 487, "Request Terminated", "c", ""));
                    assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(487);
                }
            } finally {
                stack.close();
            }
        }
    }
}
