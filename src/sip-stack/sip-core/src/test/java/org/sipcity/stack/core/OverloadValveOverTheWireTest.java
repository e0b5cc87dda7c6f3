package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.overload.LoadSignals;
import org.sipcity.stack.overload.OverloadSettings;
import org.sipcity.stack.overload.OverloadState;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.overload.SojournTimeValve;
import org.sipcity.stack.overload.TrafficClass;
import org.sipcity.stack.overload.Verdict;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * A real stack over loopback UDP and TCP whose worker queue reports a sojourn time far above the high mark:
 * new OPTIONS and INVITE get the valve's 503 with Retry-After and never reach the transaction user, while BYE,
 * ACK and responses pass, and the TCP connection keeps carrying messages after each 503.
 */
class OverloadValveOverTheWireTest {

    private static final int TIMEOUT = 3000;

    /** A worker queue whose oldest task has waited 5 s: deep overload. */
    private static final LoadSignals OVERLOADED = new LoadSignals() {
        @Override
        public long oldestWaitNanos() {
            return 5_000_000_000L;
        }

        @Override
        public int queueDepth() {
            return 50_000;
        }

        @Override
        public long eventLoopLagNanos() {
            return 0;
        }

        @Override
        public double heapOccupancyAfterGc() {
            return 0.3;
        }
    };

    private final AnsweringUser user = new AnsweringUser();
    private SojournTimeValve valve;
    private SipStack stack;
    private InetSocketAddress udp;
    private InetSocketAddress tcp;

    @BeforeEach
    void start() throws Exception {
        // Loss admission: all new work shed at once, the subject here being what goes over the wire when shedding.
        valve = new SojournTimeValve(OverloadSettings.builder().retryAfter(10, 20)
                .admission(org.sipcity.stack.overload.Admission.LOSS).build(), OVERLOADED);
        stack = new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                org.sipcity.stack.parser.ParserConfig.defaults(),
                org.sipcity.stack.transaction.TransactionConfig.defaults()).withOverloadValve(valve), user);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        SipConnector u = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(any).build());
        SipConnector t = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build());
        udp = u.localAddress();
        tcp = t.localAddress();
        for (int i = 0; i < 50 && valve.figures().newWorkLoss() < 1; i++) {
            valve.evaluate(); // the valve's own timer does the same every 50 ms; this gets there without waiting
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().newWorkLoss()).isEqualTo(1.0);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static byte[] request(String method, String transport, String toTag, String extra) {
        return ("%s sip:server@127.0.0.1 SIP/2.0\r\n".formatted(method)
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:5999;branch=z9hG4bK" + System.nanoTime() + ";rport" + extra + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=abc\r\n"
                + "To: <sip:server@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: overload-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] inviteWithBody() {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        return new String(request("INVITE", "TCP", null, ""), StandardCharsets.US_ASCII)
                .replace("Content-Length: 0\r\n\r\n", "Content-Type: application/sdp\r\nContent-Length: " + sdp.length()
                        + "\r\n\r\n" + sdp).getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertShed(WirePeer.Reply reply) {
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text()).containsPattern("\r\nRetry-After: (1\\d|20)\r\n");
        assertThat(reply.text()).containsPattern("\r\nTo: <sip:server@127.0.0.1>;tag=[0-9a-f]{16}\r\n");
    }

    @Test
    void udpNewRequestsAre503dWhileInDialogRequestsAndResponsesPass() throws Exception {
        assertShed(WirePeer.udp(udp, request("OPTIONS", "UDP", null, ""), TIMEOUT));
        assertShed(WirePeer.udp(udp, request("INVITE", "UDP", null, ""), TIMEOUT));
        assertThat(user.requests).hasValue(0);

        assertThat(WirePeer.udp(udp, request("BYE", "UDP", "xyz", ""), TIMEOUT).status()).isEqualTo(200);
        assertThat(WirePeer.udp(udp, request("INVITE", "UDP", "xyz", ""), TIMEOUT).status())
                .as("a re-INVITE (To tag) is in-dialog").isEqualTo(200);
        assertThat(WirePeer.udp(udp, request("ACK", "UDP", "xyz", ""), 300)).isEqualTo(WirePeer.Reply.SILENCE);
        byte[] response = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKstray\r\n"
                + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: stray\r\nCSeq: 1 OPTIONS\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(WirePeer.udp(udp, response, 300)).isEqualTo(WirePeer.Reply.SILENCE);

        assertThat(user.requests).as("BYE, re-INVITE, ACK reached the transaction user").hasValue(3);
        assertThat(stack.counters().responsesReceived()).as("the response was admitted and parsed").isEqualTo(1);
        assertThat(stack.counters().overloadShed()).isEqualTo(2);
        assertThat(valve.figures().shed(TrafficClass.NEW_WORK)).isEqualTo(2);
        assertThat(valve.figures().admitted(TrafficClass.IN_DIALOG)).isEqualTo(3);
        assertThat(valve.figures().admitted(TrafficClass.RESPONSE)).isEqualTo(1);
        assertThat(stack.transactions().liveTransactions()).as("a shed request creates no transaction").isZero();
        assertThat(stack.transactions().completedTransactions())
                .as("the BYE in Completed and the re-INVITE in Accepted, absorbing retransmissions").isEqualTo(2);
    }

    @Test
    void tcpConnectionKeepsWorkingAroundShedRequests() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(tcp, TIMEOUT);
            socket.setSoTimeout(TIMEOUT);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();

            out.write(request("OPTIONS", "TCP", null, ""));
            assertShed(WirePeer.readHead(in));
            out.write(request("BYE", "TCP", "t1", ""));
            assertThat(WirePeer.readHead(in).status()).isEqualTo(200);
            out.write(inviteWithBody()); // shed with its body: the next message must still be framed right
            assertShed(WirePeer.readHead(in));
            out.write(request("BYE", "TCP", "t2", ""));
            assertThat(WirePeer.readHead(in).status()).isEqualTo(200);
            // Bundled: two new requests and a BYE in one write.
            byte[] a = request("INVITE", "TCP", null, "");
            byte[] b = request("OPTIONS", "TCP", null, "");
            byte[] c = request("BYE", "TCP", "t3", "");
            byte[] bundle = new byte[a.length + b.length + c.length];
            System.arraycopy(a, 0, bundle, 0, a.length);
            System.arraycopy(b, 0, bundle, a.length, b.length);
            System.arraycopy(c, 0, bundle, a.length + b.length, c.length);
            out.write(bundle);
            assertShed(WirePeer.readHead(in));
            assertShed(WirePeer.readHead(in));
            assertThat(WirePeer.readHead(in).status()).isEqualTo(200);
        }
        assertThat(user.requests).hasValue(3);
        assertThat(valve.figures().rejectionsSent()).isEqualTo(4);
    }

    @Test
    void aFailingValveAdmitsInsteadOfLosingMessages() throws Exception {
        stack.close();
        OverloadValve broken = new OverloadValve() {
            @Override
            public Verdict inspect(long classification, io.netty.buffer.ByteBuf message,
                                   org.sipcity.stack.transport.Flow flow) {
                throw new IllegalStateException("operator's valve is broken");
            }

            @Override
            public boolean writeRejection(io.netty.buffer.ByteBuf request, io.netty.buffer.ByteBuf out) {
                throw new IllegalStateException("never called");
            }
        };
        stack = new SipStack(SipStackConfig.defaults().withOverloadValve(broken), user);
        SipConnector u = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());

        assertThat(WirePeer.udp(u.localAddress(), request("OPTIONS", "UDP", null, ""), TIMEOUT).status()).isEqualTo(200);
        assertThat(stack.counters().overloadShed()).isZero();
    }

    @Test
    void upstreamAdvertisingOcGetsRfc7339Feedback() throws Exception {
        WirePeer.Reply reply = WirePeer.udp(udp, request("OPTIONS", "UDP", null, ";oc"), TIMEOUT);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text()).containsPattern(
                "\r\nVia: SIP/2\\.0/UDP 127\\.0\\.0\\.1:5999;branch=z9hG4bK\\d+;rport;oc=100;oc-algo=\"loss\";oc-validity=1000;oc-seq=\\d+\\.\\d+\r\n");
    }
}
