package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/** The message trace over real loopback sockets: what it writes, for which filter, and nothing when off. */
class MessageTraceTest {

    private static final int TIMEOUT = 3000;
    private final List<String> entries = new CopyOnWriteArrayList<>();
    private SipStack stack;
    private MessageTrace trace;
    private InetSocketAddress udp;
    private InetSocketAddress tcp;

    @BeforeEach
    void start() throws Exception {
        stack = new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                ParserConfig.defaults(), TransactionConfig.defaults()), new AnsweringUser());
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(any).build()).localAddress();
        tcp = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build()).localAddress();
        trace = stack.trace();
        // The stack's own trace with the entries captured instead of logged: the filter is the one the stack reads.
        trace.sinkForTests(entries::add);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static byte[] register(String transport, String user, String extra) {
        return ("REGISTER sip:example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:5999;branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@example.com>;tag=abc\r\n"
                + "To: <sip:" + user + "@Example.COM>\r\n"
                + "Call-ID: trace-" + System.nanoTime() + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:5999>\r\n"
                + extra
                + "Content-Length: 0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void offByDefaultAndWritesNothing() throws Exception {
        assertThat(trace.filter()).isNull();
        assertThat(WirePeer.udp(udp, register("UDP", "alice", ""), TIMEOUT).status()).isEqualTo(200);
        assertThat(entries).isEmpty();
    }

    @Test
    void anAorTraceShowsThatUsersRequestAndItsResponseButNotAnotherUsers() throws Exception {
        trace.filter(TraceFilter.of(null, "sip:alice@example.com"));

        assertThat(WirePeer.tcp(tcp, register("TCP", "bob", ""), TIMEOUT).status()).isEqualTo(200);
        assertThat(WirePeer.tcp(tcp, register("TCP", "alice", ""), TIMEOUT).status()).isEqualTo(200);

        awaitEntries(2);
        assertThat(entries.get(0)).startsWith("SIP received over TCP from 127.0.0.1:")
                .contains("connector 'tcp'", "\nREGISTER sip:example.com SIP/2.0\r\n", "From: <sip:alice@example.com>");
        assertThat(entries.get(1)).startsWith("SIP sent over TCP to 127.0.0.1:")
                .contains("\nSIP/2.0 200 OK\r\n", "To: <sip:alice@Example.COM>");
        assertThat(String.join("", entries)).doesNotContain("bob");
    }

    @Test
    void anAorIsComparedByUserAndHostNotByAnyTextContainingTheUser() throws Exception {
        trace.filter(TraceFilter.of(null, "alice@example.com"));

        // "alice" occurs (in a header no AOR is taken from), so the message is parsed, and found not to match.
        assertThat(WirePeer.udp(udp, register("UDP", "malice", "Subject: alice\r\n"), TIMEOUT).status()).isEqualTo(200);
        assertThat(WirePeer.udp(udp, register("UDP", "ALICE", ""), TIMEOUT).status()).isEqualTo(200);

        assertThat(entries).isEmpty();
    }

    @Test
    void anAddressTraceShowsEverythingFromThatAddressAndStopsWhenSwitchedOff() throws Exception {
        trace.filter(TraceFilter.of("127.0.0.1", null));
        assertThat(WirePeer.udp(udp, register("UDP", "carol", ""), TIMEOUT).status()).isEqualTo(200);
        awaitEntries(2);
        assertThat(entries.get(0)).startsWith("SIP received over UDP from 127.0.0.1:").contains("carol");
        assertThat(entries.get(1)).startsWith("SIP sent over UDP to 127.0.0.1:").contains("SIP/2.0 200 OK");

        trace.filter(TraceFilter.of("127.0.0.2", null));
        assertThat(WirePeer.udp(udp, register("UDP", "carol", ""), TIMEOUT).status()).isEqualTo(200);
        trace.filter(null);
        assertThat(WirePeer.udp(udp, register("UDP", "carol", ""), TIMEOUT).status()).isEqualTo(200);

        assertThat(entries).hasSize(2);
    }

    @Test
    void aRequestTheParserRefusesIsStillTracedByAddress() throws Exception {
        trace.filter(TraceFilter.of("127.0.0.1", null));
        byte[] broken = new String(register("UDP", "dave", ""), StandardCharsets.US_ASCII)
                .replace("CSeq: 1 REGISTER", "CSeq: one REGISTER").getBytes(StandardCharsets.US_ASCII);

        assertThat(WirePeer.udp(udp, broken, TIMEOUT).status()).isEqualTo(400);

        awaitEntries(2);
        assertThat(entries.get(0)).contains("CSeq: one REGISTER");
        assertThat(entries.get(1)).contains("SIP/2.0 400 ");
    }

    @Test
    void filterTextIsCheckedWithTheReason() {
        assertThat(TraceFilter.of(null, " ")).isNull();
        assertThat(TraceFilter.of("", null)).isNull();
        assertThatThrownBy(() -> TraceFilter.of("phone.example.com", null)).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> TraceFilter.of(null, "tel:+15551234")).hasMessageContaining("not a SIP address-of-record");
        assertThatThrownBy(() -> TraceFilter.of(null, "sip:example.com")).hasMessageContaining("sip:user@host");
        assertThat(TraceFilter.of("127.0.0.1:5060", "sips:alice@example.com"))
                .hasToString("TraceFilter[address=127.0.0.1:5060, aor=sip:alice@example.com]");
    }

    private void awaitEntries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (entries.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(entries).hasSizeGreaterThanOrEqualTo(count);
    }
}
