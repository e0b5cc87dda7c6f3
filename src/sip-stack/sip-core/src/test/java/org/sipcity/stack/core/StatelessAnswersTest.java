package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.classify.KnownMethod;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/** What the stack answers on its own, over real loopback sockets, before any transaction user sees a request. */
class StatelessAnswersTest {

    private static final int TIMEOUT = 3000;
    private final AnsweringUser user = new AnsweringUser();
    private SipStack stack;
    private InetSocketAddress udp;
    private InetSocketAddress tcp;

    @BeforeEach
    void start() throws Exception {
        start(TransactionConfig.defaults());
    }

    private void start(TransactionConfig transactions) throws Exception {
        if (stack != null) {
            stack.close();
        }
        stack = new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                ParserConfig.defaults(), transactions), user);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        SipConnector u = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(any).build());
        SipConnector t = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build());
        udp = u.localAddress();
        tcp = t.localAddress();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static byte[] options(String transport, String cseq, String version, String extraHeaders) {
        return ("OPTIONS sip:server@127.0.0.1 " + version + "\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:5999;branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=abc\r\n"
                + "To: <sip:server@127.0.0.1>\r\n"
                + "Call-ID: stateless-" + System.nanoTime() + "\r\n"
                + "CSeq: " + cseq + "\r\n"
                + extraHeaders
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void validRequestReachesTheTransactionUserOverUdpAndTcp() throws Exception {
        assertThat(WirePeer.udp(udp, options("UDP", "1 OPTIONS", "SIP/2.0", ""), TIMEOUT).status()).isEqualTo(200);
        assertThat(WirePeer.tcp(tcp, options("TCP", "1 OPTIONS", "SIP/2.0", "Content-Length: 0\r\n"), TIMEOUT).status())
                .isEqualTo(200);
        assertThat(user.requests).hasValue(2);
        assertThat(stack.counters().requestsByMethod(KnownMethod.OPTIONS)).isEqualTo(2);
        assertThat(stack.counters().requestsByMethod(KnownMethod.INVITE)).isZero();
    }

    @Test
    void badCSeqIsAnswered400WithTheFaultNamedAndAToTag() throws Exception {
        WirePeer.Reply reply = WirePeer.udp(udp, options("UDP", "one OPTIONS", "SIP/2.0", ""), TIMEOUT);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.statusLine()).containsIgnoringCase("CSeq");
        assertThat(reply.text()).containsPattern("(?m)^To: <sip:server@127.0.0.1>;tag=\\w+");
        assertThat(user.requests).hasValue(0);
        assertThat(stack.counters().parseErrors()).isEqualTo(1);
        assertThat(stack.counters().statelessResponsesSent()).isEqualTo(1);
    }

    @Test
    void unknownVersionIsAnswered505() throws Exception {
        assertThat(WirePeer.udp(udp, options("UDP", "1 OPTIONS", "SIP/7.0", ""), TIMEOUT).status()).isEqualTo(505);
    }

    @Test
    void malformedResponseIsDroppedSilently() throws Exception {
        byte[] response = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\n"
                + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: r1\r\nCSeq: banana\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(WirePeer.udp(udp, response, 500)).isEqualTo(WirePeer.Reply.SILENCE);
        assertThat(stack.counters().malformedResponsesDropped()).isEqualTo(1);
        // counted by its first line before the parse found it malformed
        assertThat(stack.counters().responsesByClass(2)).isEqualTo(1);
    }

    @Test
    void streamWithoutContentLengthIsAnswered400AndClosed() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(tcp, TIMEOUT);
            socket.setSoTimeout(TIMEOUT);
            socket.getOutputStream().write(options("TCP", "1 OPTIONS", "SIP/2.0", ""));
            InputStream in = socket.getInputStream();

            WirePeer.Reply reply = WirePeer.readHead(in);

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.statusLine()).containsIgnoringCase("Content-Length");
            assertThat(WirePeer.readHead(in).closed()).as("connection closed after the framing error").isTrue();
        }
        assertThat(stack.counters().framingErrors()).isEqualTo(1);
    }

    @Test
    void fullTransactionTableIsAnswered503WithRetryAfter() throws Exception {
        start(TransactionConfig.builder().completedMemoryBytes(1).build());
        // The INVITE's transaction stays in Accepted after its 200 (RFC 6026) as a lean entry that fills the memory
        // for such entries, and is too young (< T4) to be released for a new request.
        byte[] invite = new String(options("UDP", "1 INVITE", "SIP/2.0", ""), StandardCharsets.US_ASCII)
                .replace("OPTIONS sip:", "INVITE sip:").getBytes(StandardCharsets.US_ASCII);
        assertThat(WirePeer.udp(udp, invite, TIMEOUT).status()).isEqualTo(200);

        WirePeer.Reply reply = WirePeer.udp(udp, options("UDP", "1 OPTIONS", "SIP/2.0", ""), TIMEOUT);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text()).containsPattern("(?m)^Retry-After: \\d+");
        assertThat(user.requests).hasValue(1);
    }

    @Test
    void connectionStaysUsableAfterAParseErrorWhoseFramingWasSound() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(tcp, TIMEOUT);
            socket.setSoTimeout(TIMEOUT);
            socket.getOutputStream().write(options("TCP", "x OPTIONS", "SIP/2.0", "Content-Length: 0\r\n"));
            socket.getOutputStream().write(options("TCP", "2 OPTIONS", "SIP/2.0", "Content-Length: 0\r\n"));
            InputStream in = socket.getInputStream();

            assertThat(WirePeer.readHead(in).status()).isEqualTo(400);
            assertThat(WirePeer.readHead(in).status()).isEqualTo(200);
        }
    }
}
