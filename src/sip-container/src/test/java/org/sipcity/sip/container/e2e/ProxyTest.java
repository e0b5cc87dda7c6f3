package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

/** A proxy application (JSR 289 §10, RFC 3261 §16) between raw caller and callees over loopback UDP. */
class ProxyTest {

    private static SipContainer container;
    private static SipStack stack;
    private static SipConnector udp;

    @BeforeAll
    static void start() throws Exception {
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(4, 1000));
        stack = new SipStack(SipStackConfig.defaults(), container);
        container.bind(stack);
        container.deploy(SipDeploymentInfo.builder("proxy").classLoader(ProxyTest.class.getClassLoader())
                .addServlet(new SipServletInfo("proxy", ProxyTestServlet.class.getName())).build());
        udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (container != null) {
            container.close();
        }
    }

    private static String uriOf(RawSipClient callee) {
        return "sip:bob@127.0.0.1:" + callee.localPort();
    }

    private static String proxyUri() {
        return "sip:127.0.0.1:" + udp.localAddress().getPort();
    }

    @Test
    void aRequestIsForwardedAndItsAnswerRelayed() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
             RawSipClient callee = RawSipClient.udp(udp.localAddress())) {
            String callId = RawSipClient.random();
            caller.send(caller.request("MESSAGE", proxyUri(), callId, 1, null,
                    "X-Targets: " + uriOf(callee) + "\r\nX-Record-Route: yes\r\n", "hello"));

            String forwarded = callee.receiveRequest();
            assertThat(forwarded).startsWith("MESSAGE " + uriOf(callee) + " SIP/2.0\r\n");      // §16.6 step 2
            assertThat(RawSipClient.header(forwarded, "Max-Forwards")).isEqualTo("69");        // step 3
            assertThat(RawSipClient.header(forwarded, "Record-Route"))                         // step 4
                    .isEqualTo("<sip:127.0.0.1:" + udp.localAddress().getPort() + ";lr>");
            List<String> vias = RawSipClient.headers(forwarded, "Via");                         // step 8
            assertThat(vias).hasSize(2);
            assertThat(vias.get(0)).startsWith("SIP/2.0/UDP 127.0.0.1:" + udp.localAddress().getPort());
            assertThat(vias.get(1)).contains("127.0.0.1:" + caller.localPort());
            assertThat(forwarded).endsWith("hello");

            callee.send(RawSipClient.answer(forwarded, 200, "OK", "callee", ""));
            String relayed = caller.receiveFinal();
            assertThat(RawSipClient.status(relayed)).isEqualTo(200);
            assertThat(RawSipClient.headers(relayed, "Via")).hasSize(1);                       // §16.7 step 3
            assertThat(RawSipClient.toTag(relayed)).isEqualTo("callee");
        }
    }

    @Test
    void aForkedInviteCancelsTheRingingBranchOnceTheOtherAnswers() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
             RawSipClient ringing = RawSipClient.udp(udp.localAddress());
             RawSipClient answering = RawSipClient.udp(udp.localAddress())) {
            String callId = RawSipClient.random();
            caller.send(caller.request("INVITE", proxyUri(), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + uriOf(ringing) + ", "
                            + uriOf(answering) + "\r\nX-Record-Route: yes\r\n", ""));

            String invite1 = ringing.receiveRequest();
            ringing.send(RawSipClient.answer(invite1, 180, "Ringing", "r1", ""));
            assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(180);              // §16.7 step 5

            String invite2 = answering.receiveRequest();
            answering.send(RawSipClient.answer(invite2, 200, "OK", "a2",
                    "Contact: <sip:bob@127.0.0.1:" + answering.localPort() + ">\r\n"));
            String ok = caller.receiveFinal();
            assertThat(RawSipClient.status(ok)).isEqualTo(200);
            assertThat(RawSipClient.toTag(ok)).isEqualTo("a2");
            String recordRoute = RawSipClient.header(ok, "Record-Route");
            assertThat(recordRoute).isEqualTo("<sip:127.0.0.1:" + udp.localAddress().getPort() + ";lr>");

            // §16.7 step 10: the other branch is cancelled, on its own branch id (RFC 3261 §9.1)
            String cancel = ringing.receiveRequest("CANCEL");
            assertThat(cancel).startsWith("CANCEL " + uriOf(ringing) + " SIP/2.0\r\n");
            assertThat(RawSipClient.header(cancel, "Via")).isEqualTo(RawSipClient.headers(invite1, "Via").get(0));
            assertThat(RawSipClient.header(cancel, "CSeq")).isEqualTo("1 CANCEL");
            ringing.send(RawSipClient.answer(cancel, 200, "OK", "r1", ""));
            ringing.send(RawSipClient.answer(invite1, 487, "Request Terminated", "r1", ""));

            // The caller's ACK and BYE follow the route set through the proxy to the callee (§16.4, §16.12).
            String route = "Route: " + recordRoute + "\r\n";
            String calleeUri = "sip:bob@127.0.0.1:" + answering.localPort();
            caller.send(caller.request("ACK", calleeUri, callId, 1, "a2", route, ""));
            String ack = answering.receiveRequest("ACK");
            assertThat(ack).startsWith("ACK " + calleeUri + " SIP/2.0\r\n");
            assertThat(RawSipClient.header(ack, "Route")).isNull();
            caller.send(caller.request("BYE", calleeUri, callId, 2, "a2", route, ""));
            String bye = answering.receiveRequest("BYE");
            assertThat(bye).startsWith("BYE " + calleeUri + " SIP/2.0\r\n");
            answering.send(RawSipClient.answer(bye, 200, "OK", "a2", ""));
            assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
        }
    }

    @Test
    void aRegisterGetsAPathNamingTheProxy() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
             RawSipClient registrar = RawSipClient.udp(udp.localAddress())) {
            caller.send(caller.request("REGISTER", proxyUri(), RawSipClient.random(), 1, null,
                    "Supported: path\r\nContact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: "
                            + uriOf(registrar) + "\r\nX-Path: yes\r\n", ""));
            String forwarded = registrar.receiveRequest();
            // RFC 3327 §5.1: the registrar will route requests for this contact back through us
            assertThat(RawSipClient.header(forwarded, "Path")).isEqualTo("<sip:127.0.0.1:" + udp.localAddress().getPort() + ";lr>");
            assertThat(RawSipClient.header(forwarded, "Record-Route")).isNull();
            registrar.send(RawSipClient.answer(forwarded, 200, "OK", "reg",
                    "Path: " + RawSipClient.header(forwarded, "Path") + "\r\n"));
            assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
        }
    }

    @Test
    void sequentialSearchTriesTheNextTargetAfterAFailure() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
             RawSipClient first = RawSipClient.udp(udp.localAddress());
             RawSipClient second = RawSipClient.udp(udp.localAddress())) {
            caller.send(caller.request("MESSAGE", proxyUri(), RawSipClient.random(), 1, null,
                    "X-Targets: " + uriOf(first) + ", " + uriOf(second) + "\r\nX-Sequential: yes\r\n", "hi"));
            first.send(RawSipClient.answer(first.receiveRequest(), 480, "Temporarily Unavailable", "f", ""));
            String tried = second.receiveRequest("MESSAGE");   // only after the first failed
            assertThat(tried).startsWith("MESSAGE " + uriOf(second) + " SIP/2.0\r\n");
            second.send(RawSipClient.answer(tried, 200, "OK", "s", ""));
            String relayed = caller.receiveFinal();
            assertThat(RawSipClient.status(relayed)).isEqualTo(200);
            assertThat(RawSipClient.toTag(relayed)).isEqualTo("s");
        }
    }

    @Test
    void whenEveryBranchFailsTheBestResponseIsRelayed() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(udp.localAddress());
             RawSipClient busy = RawSipClient.udp(udp.localAddress());
             RawSipClient declining = RawSipClient.udp(udp.localAddress())) {
            String callId = RawSipClient.random();
            caller.send(caller.request("INVITE", proxyUri(), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + uriOf(busy) + ", "
                            + uriOf(declining) + "\r\n", ""));
            busy.send(RawSipClient.answer(busy.receiveRequest(), 486, "Busy Here", "b1", ""));
            declining.send(RawSipClient.answer(declining.receiveRequest(), 603, "Decline", "d2", ""));

            String relayed = caller.receiveFinal();
            assertThat(RawSipClient.status(relayed)).isEqualTo(603);                             // §16.7 step 6
            // the supervising servlet saw the best response once every branch had answered
            for (int i = 0; i < 500 && ProxyTestServlet.RESPONSES_SEEN.stream().noneMatch(r -> r.contains(callId)); i++) {
                Thread.sleep(10);
            }
            assertThat(ProxyTestServlet.RESPONSES_SEEN).filteredOn(r -> r.contains(callId))
                    .containsExactly("603 INVITE " + callId);
        }
    }
}
