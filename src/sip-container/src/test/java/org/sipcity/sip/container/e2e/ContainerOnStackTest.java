package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * A SIP application deployed into the container on a real stack, spoken to over loopback UDP and TCP with
 * hand-built requests.
 */
class ContainerOnStackTest {

    private static final String APP = "registrar";
    private static SipContainer container;
    private static SipStack stack;
    private static SipConnector udp;
    private static SipConnector tcp;

    @BeforeAll
    static void start() throws Exception {
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(4, 1000));
        stack = new SipStack(SipStackConfig.defaults(), container);
        container.bind(stack);
        container.deploy(SipDeploymentInfo.builder(APP)
                .classLoader(ContainerOnStackTest.class.getClassLoader())
                .addServlet(new SipServletInfo("registrar", TestRegistrarServlet.class.getName(), 1,
                        Map.of("greeting", "hello")))
                .addListener(SessionCounter.class.getName())
                .build());
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(any).build());
        tcp = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build());
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

    private static RawSipClient client(String transport) throws Exception {
        return transport.equals("UDP") ? RawSipClient.udp(udp.localAddress()) : RawSipClient.tcp(tcp.localAddress());
    }

    private static String target(RawSipClient client) {
        SipConnector connector = client.transport().equals("UDP") ? udp : tcp;
        return "sip:127.0.0.1:" + connector.localAddress().getPort() + ";transport=" + client.transport().toLowerCase();
    }

    /**
     * The servlet sees the packet's source and the socket's local address, not what the top Via claims: over UDP a
     * sent-by port without {@code rport} (the answer goes there, RFC 3261 §18.2.2, to the discard port of loopback),
     * over TCP a {@code received} the sender wrote itself beside a sent-by that matches its source (left as it is, §18.2.1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"UDP", "TCP"})
    void theServletSeesThePacketsSourceNotWhatTheViaClaims(String transport) throws Exception {
        try (RawSipClient client = client(transport)) {
            String callId = RawSipClient.random();
            String viaClaim = transport.equals("UDP") ? "127.0.0.1:9;branch=z9hG4bK" + callId
                    : "127.0.0.1:" + client.localPort() + ";branch=z9hG4bK" + callId + ";received=127.0.0.9";
            String request = client.request("OPTIONS", target(client), callId, 1, null, "", "")
                    .replaceFirst("(?m)^Via: SIP/2.0/(\\w+) [^\r\n]*", "Via: SIP/2.0/$1 " + viaClaim);
            client.send(request);

            long deadline = System.currentTimeMillis() + 10_000;
            while (!TestRegistrarServlet.ENDPOINTS.containsKey(callId) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            SipConnector connector = transport.equals("UDP") ? udp : tcp;
            assertThat(TestRegistrarServlet.ENDPOINTS.get(callId)).isEqualTo(transport + " 127.0.0.1:"
                    + client.localPort() + " 127.0.0.1:" + connector.localAddress().getPort());
        }
    }

    @Test
    void aUdpResponseGoesToThePacketsSourceNotToAReceivedTheSenderWroteItself() throws Exception {
        // the sent-by matches the source, so the stack has nothing to add; a received= left as it came would send
        // the answer to 127.0.0.9 (RFC 3261 18.2.2), a host the sender chose: a reflection
        try (RawSipClient client = client("UDP")) {
            String callId = RawSipClient.random();
            String request = client.request("OPTIONS", target(client), callId, 1, null, "", "")
                    .replaceFirst("(?m)^Via: SIP/2.0/UDP [^\r\n]*", "Via: SIP/2.0/UDP 127.0.0.1:" + client.localPort()
                            + ";branch=z9hG4bK" + callId + ";received=127.0.0.9");
            client.send(request);

            String response = client.receiveFinal();

            assertThat(RawSipClient.status(response)).isEqualTo(200);
            assertThat(RawSipClient.header(response, "Via")).contains("received=127.0.0.1").doesNotContain("127.0.0.9");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UDP", "TCP"})
    void optionsIsAnsweredByTheServletOnAWorker(String transport) throws Exception {
        try (RawSipClient client = client(transport)) {
            int before = TestRegistrarServlet.threads().size();
            client.send(client.request("OPTIONS", target(client), RawSipClient.random(), 1, null, "", ""));
            String response = client.receiveFinal();

            assertThat(RawSipClient.status(response)).isEqualTo(200);
            assertThat(RawSipClient.header(response, "Allow")).contains("REGISTER", "OPTIONS");
            assertThat(RawSipClient.header(response, "X-Servlet-Init")).isEqualTo("hello");   // init-param reached init()
            assertThat(RawSipClient.toTag(response)).isNotEmpty();                              // RFC 3261 §8.2.6.2

            List<Thread> threads = TestRegistrarServlet.threads();
            assertThat(threads).hasSizeGreaterThan(before);
            Thread servletThread = threads.get(threads.size() - 1);
            assertThat(servletThread).isNotInstanceOf(FastThreadLocalThread.class);   // Netty event loops are
            assertThat(servletThread.getName()).startsWith("sip-worker-");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UDP", "TCP"})
    void registerEchoesContactsWithTheirExpiry(String transport) throws Exception {
        try (RawSipClient client = client(transport)) {
            String contacts = "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ">;expires=600\r\n"
                    + "Contact: <sip:alice@192.0.2.7>\r\n"
                    + "Expires: 1800\r\n";
            client.send(client.request("REGISTER", "sip:127.0.0.1", RawSipClient.random(), 1, null, contacts, ""));
            String response = client.receiveFinal();

            assertThat(RawSipClient.status(response)).isEqualTo(200);
            assertThat(response).contains("<sip:alice@127.0.0.1:" + client.localPort() + ">;expires=600")
                    .contains("<sip:alice@192.0.2.7>;expires=1800");
        }
    }

    @Test
    void sessionsOfAnsweredRequestsAreInvalidated() throws Exception {
        try (RawSipClient client = client("UDP")) {
            for (int i = 0; i < 5; i++) {
                client.send(client.request("REGISTER", "sip:127.0.0.1", RawSipClient.random(), 1, null,
                        "Contact: <sip:bob@192.0.2.8>\r\n", ""));
                assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
            }
        }
        // JSR 289 §6.1.2.2.2 invalidateWhenReady: nothing waits for the 3-minute expiry. The session is invalidated
        // right after the servlet returns, which may be just after the client read its response: poll, bounded.
        for (int i = 0; i < 500 && (container.applicationSessions(APP) > 0
                || SessionCounter.DESTROYED.get() < SessionCounter.CREATED.get()); i++) {
            Thread.sleep(10);
        }
        assertThat(container.applicationSessions(APP)).isZero();
        assertThat(SessionCounter.DESTROYED.get()).isEqualTo(SessionCounter.CREATED.get()).isPositive();
    }

    @Test
    void messagesOfOneApplicationSessionRunOneAtATime() throws Exception {
        try (RawSipClient client = client("TCP")) {
            String callId = RawSipClient.random();
            client.send(client.request("INVITE", target(client), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ";transport=tcp>\r\n", ""));
            String ok = client.receiveFinal();
            assertThat(RawSipClient.status(ok)).isEqualTo(200);
            String tag = RawSipClient.toTag(ok);
            assertThat(RawSipClient.header(ok, "Contact")).contains("transport=tcp");   // RFC 3261 §12.1.1
            client.send(client.request("ACK", target(client), callId, 1, tag, "", ""));

            // Six requests of the dialog back to back: four workers could run them together; the container must not.
            int count = 6;
            StringBuilder burst = new StringBuilder();
            for (int i = 1; i <= count; i++) {
                burst.append(client.request("INFO", target(client), callId, 1 + i, tag, "X-Seq: " + i + "\r\n", ""));
            }
            client.send(burst.toString());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                statuses.add(RawSipClient.status(client.receiveFinal()));
            }
            assertThat(statuses).containsOnly(200);
            assertThat(TestRegistrarServlet.MOST_INFOS_AT_ONCE.get()).isEqualTo(1);
            assertThat(TestRegistrarServlet.INFO_ORDER).containsExactly("1", "2", "3", "4", "5", "6");

            client.send(client.request("BYE", target(client), callId, 20, tag, "", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);

            // RFC 3261 §12.2.2: the dialog is gone after BYE; a request in it gets 481.
            client.send(client.request("INFO", target(client), callId, 21, tag, "X-Seq: late\r\n", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(481);
        }
    }

    @Test
    void theApplicationSendsARequestAndHearsTheResponse() throws Exception {
        try (RawSipClient client = client("UDP"); RawSipClient peer = RawSipClient.udp(udp.localAddress())) {
            String peerUri = "sip:bob@127.0.0.1:" + peer.localPort();
            client.send(client.request("MESSAGE", target(client), RawSipClient.random(), 1, null,
                    "X-Forward-To: " + peerUri + "\r\nContent-Type: text/plain\r\n", "hi"));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(202);

            String sent = peer.receiveRequest("MESSAGE");   // the container's own MESSAGE, RFC 3261 §8.1.1
            assertThat(sent).startsWith("MESSAGE " + peerUri + " SIP/2.0\r\n");
            assertThat(RawSipClient.header(sent, "Via")).contains("SIP/2.0/UDP 127.0.0.1:" + udp.localAddress().getPort())
                    .contains(";branch=z9hG4bK").contains(";rport");
            assertThat(RawSipClient.header(sent, "From")).contains(";tag=");
            assertThat(RawSipClient.header(sent, "CSeq")).isEqualTo("1 MESSAGE");
            assertThat(RawSipClient.header(sent, "Max-Forwards")).isEqualTo("70");
            assertThat(sent).endsWith("forwarded: hi");

            String ok = "SIP/2.0 200 OK\r\n"
                    + "Via: " + RawSipClient.header(sent, "Via") + "\r\n"
                    + "From: " + RawSipClient.header(sent, "From") + "\r\n"
                    + "To: " + RawSipClient.header(sent, "To") + ";tag=peer1\r\n"
                    + "Call-ID: " + RawSipClient.header(sent, "Call-ID") + "\r\n"
                    + "CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
            peer.send(ok);
            for (int i = 0; i < 500 && TestRegistrarServlet.UAC_RESPONSES.stream().noneMatch(r -> r.contains("MESSAGE")); i++) {
                Thread.sleep(10);
            }
            assertThat(TestRegistrarServlet.UAC_RESPONSES).filteredOn(r -> r.contains("MESSAGE")).singleElement()
                    .asString().startsWith("200 MESSAGE sip-worker-");
        }
    }

    @Test
    void overUdpThe2xxToInviteIsRetransmittedUntilTheAck() throws Exception {
        try (RawSipClient client = client("UDP")) {
            String callId = RawSipClient.random();
            client.send(client.request("INVITE", target(client), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ">\r\n", ""));
            String ok = client.receiveFinal();
            assertThat(RawSipClient.status(ok)).isEqualTo(200);
            // no ACK yet: RFC 3261 §13.3.1.4 has the UAS core send the same 2xx again (after T1, then 2·T1...)
            String again = client.receiveFinal();
            assertThat(RawSipClient.status(again)).isEqualTo(200);
            assertThat(RawSipClient.toTag(again)).isEqualTo(RawSipClient.toTag(ok));
            assertThat(RawSipClient.header(again, "CSeq")).isEqualTo("1 INVITE");
            client.send(client.request("ACK", target(client), callId, 1, RawSipClient.toTag(ok), "", ""));
            client.send(client.request("BYE", target(client), callId, 2, RawSipClient.toTag(ok), "", ""));
            assertThat(RawSipClient.status(client.receiveResponseTo("BYE"))).isEqualTo(200);
        }
    }

    @Test
    void cancelEndsARingingInvite() throws Exception {
        try (RawSipClient client = client("TCP")) {
            String callId = RawSipClient.random();
            String invite = client.request("INVITE", target(client), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ";transport=tcp>\r\nX-Ring: yes\r\n", "");
            client.send(invite);
            String ringing = client.receiveFinal();
            assertThat(RawSipClient.status(ringing)).isEqualTo(180);
            String tag = RawSipClient.toTag(ringing);
            assertThat(tag).isNotEmpty();

            // RFC 3261 §9.1: same Request-URI, Call-ID, From, To (no tag), CSeq number and top Via as the INVITE
            String cancel = invite.replace("INVITE sip:", "CANCEL sip:").replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL")
                    .replaceAll("(?m)^Contact: .*\r\n", "").replaceAll("(?m)^X-Ring: .*\r\n", "");
            client.send(cancel);
            List<String> answers = List.of(client.receiveFinal(), client.receiveFinal());
            assertThat(answers).anySatisfy(r -> assertThat(r).startsWith("SIP/2.0 200 ").contains("CSeq: 1 CANCEL"));
            assertThat(answers).anySatisfy(r -> assertThat(r).startsWith("SIP/2.0 487 ").contains("CSeq: 1 INVITE"));
            for (int i = 0; i < 500 && TestRegistrarServlet.CANCELLED.stream().noneMatch(c -> c.startsWith(callId)); i++) {
                Thread.sleep(10);
            }
            assertThat(TestRegistrarServlet.CANCELLED).contains(callId + " TERMINATED");   // the 487 ended it
            client.send(invite.replace("INVITE sip:", "ACK sip:").replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
                    .replace("To: <sip:alice@example.com>", "To: <sip:alice@example.com>;tag=" + tag));
        }
    }

    @Test
    void theApplicationEndsADialogWithABye() throws Exception {
        try (RawSipClient client = client("UDP")) {
            String callId = RawSipClient.random();
            client.send(client.request("INVITE", target(client), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ">\r\n", ""));
            String ok = client.receiveFinal();
            assertThat(RawSipClient.status(ok)).isEqualTo(200);
            String tag = RawSipClient.toTag(ok);
            client.send(client.request("ACK", target(client), callId, 1, tag, "X-Hangup: yes\r\n", ""));

            // RFC 3261 §12.2.1.1: to the remote target (our Contact), our tag in To, theirs in From, a higher CSeq
            String bye = client.receiveRequest("BYE");
            assertThat(bye).startsWith("BYE sip:alice@127.0.0.1:" + client.localPort() + " SIP/2.0\r\n");
            assertThat(RawSipClient.header(bye, "To")).contains(";tag=a" + callId.hashCode());
            assertThat(RawSipClient.header(bye, "From")).contains(";tag=" + tag);
            assertThat(RawSipClient.header(bye, "Call-ID")).isEqualTo(callId);
            assertThat(RawSipClient.header(bye, "CSeq")).endsWith(" BYE");

            client.send("SIP/2.0 200 OK\r\n"
                    + "Via: " + RawSipClient.header(bye, "Via") + "\r\n"
                    + "From: " + RawSipClient.header(bye, "From") + "\r\n"
                    + "To: " + RawSipClient.header(bye, "To") + "\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: " + RawSipClient.header(bye, "CSeq") + "\r\nContent-Length: 0\r\n\r\n");
            for (int i = 0; i < 500 && TestRegistrarServlet.UAC_RESPONSES.stream().noneMatch(r -> r.contains("BYE")); i++) {
                Thread.sleep(10);
            }
            assertThat(TestRegistrarServlet.UAC_RESPONSES).anySatisfy(r -> assertThat(r).startsWith("200 BYE sip-worker-"));

            // the dialog is over: a request in it gets 481
            client.send(client.request("INFO", target(client), callId, 2, tag, "", ""));
            assertThat(RawSipClient.status(client.receiveResponseTo("INFO"))).isEqualTo(481);
        }
    }

    @Test
    void aRouteNamingThisServerIsPopped() throws Exception {
        try (RawSipClient client = client("UDP")) {
            String ours = "<sip:127.0.0.1:" + udp.localAddress().getPort() + ";lr>";
            client.send(client.request("OPTIONS", "sip:bob@example.com", RawSipClient.random(), 1, null,
                    "Route: " + ours + "\r\nRoute: <sip:next.example.com;lr>\r\n", ""));
            String response = client.receiveFinal();
            assertThat(RawSipClient.status(response)).isEqualTo(200);
            assertThat(RawSipClient.header(response, "X-Popped-Route")).isEqualTo(ours);   // RFC 3261 §16.4
            assertThat(RawSipClient.header(response, "X-Routes-Left")).isEqualTo("<sip:next.example.com;lr>");
        }
    }

    @Test
    void aServletThatThrowsGives500() throws Exception {
        try (RawSipClient client = client("UDP")) {
            client.send(client.request("OPTIONS", target(client), RawSipClient.random(), 1, null, "X-Fail: yes\r\n", ""));
            String response = client.receiveFinal();
            assertThat(RawSipClient.status(response)).isEqualTo(500);
            assertThat(response).startsWith("SIP/2.0 500 Server Internal Error - the application failed\r\n");
        }
    }

    @Test
    void requestOfAnUnknownDialogGets481() throws Exception {
        try (RawSipClient client = client("UDP")) {
            client.send(client.request("BYE", target(client), RawSipClient.random(), 2, "nosuchtag", "", ""));
            String response = client.receiveFinal();
            assertThat(RawSipClient.status(response)).isEqualTo(481);
        }
    }
}
