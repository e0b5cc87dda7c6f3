package org.sipcity.stack.parser;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * The parser on the messages the server sees most: REGISTER (persistent TCP, RFC 5626 outbound) without and with
 * digest credentials, an INVITE with an SDP body, a 200 OK to REGISTER and an ACK; parse alone, parse plus the
 * system headers a transaction reads, and the 200 OK and 401 challenge a registrar builds with createResponse and
 * writes to a buffer.
 *
 * <p>Run: {@code java -jar tests/microbench/target/benchmarks.jar parser -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SipMessageParserBenchmark {

    static final String REGISTER = String.join("\r\n",
            "REGISTER sip:registrar.city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---a3e1f7c5d2b4",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>;reg-id=1;+sip.instance=\"<urn:uuid:6f1c2e7a-0d4b-4a8e-9c3f-2b7d5e1a9c40>\"",
            "To: <sip:alice@city.example.net>",
            "From: <sip:alice@city.example.net>;tag=7c1d2e9a",
            "Call-ID: 5f0e8c1b2a3d4e5f6a7b8c9d0e1f2a3b",
            "CSeq: 2 REGISTER",
            "Expires: 3600",
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
            "Supported: replaces, outbound, gruu, path",
            "User-Agent: Softphone 5.3.1",
            "Content-Length: 0",
            "", "");

    /** The second REGISTER of a digest exchange (RFC 3261 §22.4, RFC 8760 MD5): what a registrar parses most. */
    static final String REGISTER_WITH_DIGEST = String.join("\r\n",
            "REGISTER sip:registrar.city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---b7f2a9c1e3d5",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>;reg-id=1;+sip.instance=\"<urn:uuid:6f1c2e7a-0d4b-4a8e-9c3f-2b7d5e1a9c40>\"",
            "To: <sip:alice@city.example.net>",
            "From: <sip:alice@city.example.net>;tag=7c1d2e9a",
            "Call-ID: 5f0e8c1b2a3d4e5f6a7b8c9d0e1f2a3b",
            "CSeq: 3 REGISTER",
            "Expires: 3600",
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
            "Supported: replaces, outbound, gruu, path",
            "User-Agent: Softphone 5.3.1",
            "Authorization: Digest username=\"alice\", realm=\"city.example.net\", nonce=\"a1b2c3d4e5f60718293a4b5c6d7e8f90\", "
                    + "uri=\"sip:registrar.city.example.net\", response=\"6629fae49393a05397450978507c4ef1\", "
                    + "algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001",
            "Content-Length: 0",
            "", "");

    /** The registrar's answer to REGISTER as a phone (or an upstream proxy) receives it. */
    static final String OK_TO_REGISTER = String.join("\r\n",
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport=50412;branch=z9hG4bK-524287-1---b7f2a9c1e3d5;received=192.0.2.41",
            "To: <sip:alice@city.example.net>;tag=b27e1a1d33761e85846fc98f5f3a7e58.2bf8",
            "From: <sip:alice@city.example.net>;tag=7c1d2e9a",
            "Call-ID: 5f0e8c1b2a3d4e5f6a7b8c9d0e1f2a3b",
            "CSeq: 3 REGISTER",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>;expires=3600;reg-id=1;+sip.instance=\"<urn:uuid:6f1c2e7a-0d4b-4a8e-9c3f-2b7d5e1a9c40>\"",
            "Require: outbound",
            "Date: Wed, 25 Nov 2026 23:41:41 GMT",
            "Content-Length: 0",
            "", "");

    /** The ACK of a 2xx to an INVITE, end to end through the proxy (RFC 3261 §13.2.2.4). */
    static final String ACK = String.join("\r\n",
            "ACK sip:bob@192.0.2.77:5062;transport=tcp SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---9d8e7f6a5b4c",
            "Max-Forwards: 70",
            "Route: <sip:192.0.2.1;transport=tcp;lr>",
            "To: Bob <sip:bob@city.example.net>;tag=8321234356",
            "From: Alice <sip:alice@city.example.net>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.city.example.net",
            "CSeq: 314159 ACK",
            "Content-Length: 0",
            "", "");

    static final String SDP = String.join("\r\n",
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 192.0.2.41",
            "s=-",
            "c=IN IP4 192.0.2.41",
            "t=0 0",
            "m=audio 49172 RTP/AVP 0 8 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=sendrecv", "");

    static final String INVITE = String.join("\r\n",
            "INVITE sip:bob@city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---776asdhds",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>",
            "To: Bob <sip:bob@city.example.net>",
            "From: Alice <sip:alice@city.example.net>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.city.example.net",
            "CSeq: 314159 INVITE",
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
            "Supported: replaces, outbound, timer",
            "Session-Expires: 1800",
            "User-Agent: Softphone 5.3.1",
            "Content-Type: application/sdp",
            "Content-Length: " + SDP.length(),
            "", SDP);

    private static final Map<String, String> MESSAGES = Map.of("register", REGISTER,
            "registerWithDigest", REGISTER_WITH_DIGEST, "inviteWithSdp", INVITE, "okToRegister", OK_TO_REGISTER,
            "ack", ACK);

    /** One received message, by name: the parse benchmark runs once for each. */
    @State(Scope.Thread)
    public static class Received {
        @Param({"register", "registerWithDigest", "inviteWithSdp", "okToRegister", "ack"})
        public String message;
        byte[] bytes;

        @Setup
        public void setUp() {
            bytes = MESSAGES.get(message).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final SipMessageParser parser = new SipMessageParser(ParserConfig.defaults());
    private byte[] register;
    private SipRequest parsedRegister;
    private ByteBuf out;

    @Setup
    public void setUp() throws SipParseException {
        register = REGISTER.getBytes(StandardCharsets.US_ASCII);
        parsedRegister = (SipRequest) parser.parse(register, 0, register.length);
        // a registrar reads the AOR in To before it answers; the responses share that parse
        parsedRegister.getTo();
        out = Unpooled.directBuffer(1024);
    }

    @TearDown
    public void tearDown() {
        out.release();
    }

    /** Parse alone: copy, start line, header index, the checks of the system headers. */
    @Benchmark
    public SipMessage parse(Received received) throws SipParseException {
        return parser.parse(received.bytes, 0, received.bytes.length);
    }

    /** What a transaction and a registrar read first: branch, tags, Call-ID, CSeq, plus the Contact text. */
    @Benchmark
    public void parseRegisterAndReadSystemHeaders(Blackhole bh) throws SipParseException {
        SipMessage m = parser.parse(register, 0, register.length);
        bh.consume(m.getTopVia().branch());
        bh.consume(m.getFrom().uri());
        bh.consume(m.getFromTag());
        bh.consume(m.getTo().uri());
        bh.consume(m.getCallId());
        bh.consume(m.getCSeq().sequence());
        bh.consume(m.getHeader(HeaderName.CONTACT));
    }

    /** A registrar's 200 OK: createResponse (RFC 3261 §8.2.6.2), a To tag, a Contact, written to a buffer. */
    @Benchmark
    public ByteBuf encodeOkFromCreateResponse() {
        return answer(200, HeaderName.CONTACT, "<sip:alice@192.0.2.41:50412;transport=tcp;ob>;expires=3600");
    }

    /** A registrar's digest challenge (RFC 3261 §22.4): createResponse(401), a To tag, WWW-Authenticate. */
    @Benchmark
    public ByteBuf encodeUnauthorizedChallenge() {
        return answer(401, HeaderName.WWW_AUTHENTICATE, "Digest realm=\"city.example.net\", "
                + "nonce=\"a1b2c3d4e5f60718293a4b5c6d7e8f90\", algorithm=MD5, qop=\"auth\"");
    }

    private ByteBuf answer(int status, HeaderName header, String value) {
        SipResponse response = parsedRegister.createResponse(status, null);
        response.setToTag("b27e1a1d33761e85846fc98f5f3a7e58.2bf8");
        response.addHeader(header, value);
        out.clear();
        response.encode(out);
        return out;
    }
}
