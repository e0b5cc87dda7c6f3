package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;

/**
 * The byte-built 503 against many real requests: each answer is parsed by the stack's own parser and must carry
 * exactly the request's Vias, From, To (plus a tag), Call-ID and CSeq, a Retry-After and no body.
 */
class RejectionWriterTest {

    private static final Path RFC4475 = Path.of(System.getProperty("sipcity.shared.dir", "../../../../shared"),
            "conformance", "rfc4475");
    private static final SipMessageParser PARSER = new SipMessageParser(ParserConfig.defaults());

    static Stream<String> requests() {
        return Stream.of(
                Messages.request("INVITE", "Bob <sip:bob@city.example.net>"),
                Messages.request("REGISTER", "<sip:alice@city.example.net>", "Contact: <sip:alice@192.0.2.4;ob>",
                        "Authorization: Digest username=\"alice\""),
                Messages.request("OPTIONS", "sip:bob@city.example.net"),
                Messages.request("SUBSCRIBE", "<sip:bob@city.example.net>;tag=already", "Event: presence"),
                // compact forms, odd case, no space after the colon
                Messages.lines("MESSAGE sip:bob@city.example.net SIP/2.0",
                        "v:SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKc1",
                        "V: SIP/2.0/TCP 192.0.2.8;branch=z9hG4bKc2;received=192.0.2.9",
                        "f: <sip:alice@city.example.net>;tag=f1",
                        "t: sip:bob@city.example.net",
                        "i: compact-1@192.0.2.7",
                        "CSEQ: 7 MESSAGE",
                        "c: text/plain",
                        "l: 5",
                        "", "hello"),
                // folded fields (RFC 3261 §7.3.1), several Vias in one field and in several fields
                Messages.lines("INVITE sip:bob@city.example.net SIP/2.0",
                        "Via: SIP/2.0/UDP proxy2.example.net;branch=z9hG4bKp2,",
                        "  SIP/2.0/UDP proxy1.example.net;branch=z9hG4bKp1",
                        "Via: SIP/2.0/UDP 192.0.2.41:5060",
                        "\t;branch=z9hG4bKu1;rport=5060;received=198.51.100.7",
                        "Max-Forwards: 68",
                        "From: \"Alice, the \\\"first\\\"\"",
                        " <sip:alice@city.example.net>;tag=f9",
                        "To:",
                        "  <sip:bob@city.example.net>",
                        "Call-ID: folded@city",
                        "CSeq:",
                        " 1 INVITE",
                        "Content-Type: application/sdp",
                        "Content-Length: 4",
                        "", "v=0"));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void answerCarriesTheRequestsAddressingFields(String text) throws SipParseException {
        assertAnswers(text.getBytes(StandardCharsets.UTF_8), text);
    }

    @Test
    void everyRfc4475RequestThatCanBeAnsweredIsAnsweredFaithfully() throws IOException, SipParseException {
        List<String> answered = new ArrayList<>();
        try (Stream<Path> files = Files.list(RFC4475)) {
            for (Path file : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (answerable(bytes)) {
                    assertAnswers(bytes, file.getFileName().toString());
                    answered.add(file.getFileName().toString());
                }
            }
        }
        // Most torture requests are well-formed enough in their addressing fields to be answered.
        assertThat(answered).hasSizeGreaterThan(20).contains("wsinv.dat", "longreq.dat", "dblreq.dat", "esc01.dat");
    }

    /** A request whose Via, From, To, Call-ID and CSeq the full parser accepts: the stack could answer it. */
    private static boolean answerable(byte[] bytes) {
        try {
            SipMessage m = PARSER.parse(bytes, 0, bytes.length);
            return m instanceof SipRequest r && !r.getVias().isEmpty() && r.getFrom() != null && r.getTo() != null
                    && r.getCallId() != null && r.getCSeq() != null;
        } catch (SipParseException | RuntimeException unusable) {
            return false;
        }
    }

    private static void assertAnswers(byte[] bytes, String what) throws SipParseException {
        SipRequest request = (SipRequest) PARSER.parse(bytes, 0, bytes.length);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(RejectionWriter.write503(in, out, 12, null)).as(what).isTrue();
            assertThat(in.readerIndex()).isZero();
            SipResponse answer = (SipResponse) PARSER.parse(out);

            assertThat(answer.getStatus()).isEqualTo(503);
            assertThat(answer.getVias()).as(what).hasSameSizeAs(request.getVias());
            for (int i = 0; i < request.getVias().size(); i++) {
                assertThat(answer.getVias().get(i).toString()).as(what).isEqualTo(request.getVias().get(i).toString());
            }
            assertThat(answer.getFrom().uri()).as(what).isEqualTo(request.getFrom().uri());
            assertThat(answer.getFromTag()).as(what).isEqualTo(request.getFromTag());
            assertThat(answer.getTo().uri()).as(what).isEqualTo(request.getTo().uri());
            if (request.getToTag() != null) {
                assertThat(answer.getToTag()).as(what).isEqualTo(request.getToTag());
            } else {
                assertThat(answer.getToTag()).as(what).matches("[0-9a-f]{16}");
            }
            assertThat(answer.getCallId()).as(what).isEqualTo(request.getCallId());
            assertThat(answer.getCSeq()).as(what).isEqualTo(request.getCSeq());
            assertThat(answer.getHeader(HeaderName.RETRY_AFTER)).isEqualTo("12");
            assertThat(answer.getContentLength()).isZero();
            assertThat(answer.getBody()).isEmpty();
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void missingAddressingFieldWritesNothing() {
        String noCallId = Messages.request("INVITE", "<sip:b@c>").replace("Call-ID: a84b4c76e66710@pc33.city.example.net\r\n", "");
        String cut = Messages.request("INVITE", "<sip:b@c>").substring(0, 120); // head ends before CSeq
        for (String text : new String[] {noCallId, cut, "INVITE sip:b@c SIP/2.0\r\n\r\n"}) {
            ByteBuf in = Messages.buffer(text);
            ByteBuf out = Unpooled.buffer().writeByte('x');
            assertThat(RejectionWriter.write503(in, out, 5, null)).as(text).isFalse();
            assertThat(out.readableBytes()).isEqualTo(1);
            in.release();
            out.release();
        }
    }

    @Test
    void topViaWithOcGetsTheFeedbackAndTheOtherViasStayAsTheyWere() throws SipParseException {
        String text = Messages.lines("INVITE sip:bob@city.example.net SIP/2.0",
                "Via: SIP/2.0/UDP p2.example.net;branch=z9hG4bKp2;oc=7;oc-algo=\"loss,rate\" ;oc-seq=1.1 ,"
                        + " SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1;oc",
                "Via: SIP/2.0/UDP ua.example.net;branch=z9hG4bKu;oc",
                "From: <sip:a@city>;tag=1", "To: <sip:b@city>", "Call-ID: oc-1", "CSeq: 1 INVITE", "Content-Length: 0", "");
        ByteBuf in = Messages.buffer(text);
        ByteBuf out = Unpooled.buffer();
        OverloadControlFeedback feedback = new OverloadControlFeedback(35, 500, 1_764_000_123L, 4);

        assertThat(RejectionWriter.write503(in, out, 5, feedback)).isTrue();
        SipResponse answer = (SipResponse) PARSER.parse(out);

        List<Via> vias = answer.getVias();
        assertThat(vias).hasSize(3);
        assertThat(vias.get(0).branch()).isEqualTo("z9hG4bKp2");
        assertThat(vias.get(0).parameters().get("oc")).isEqualTo("35");
        assertThat(vias.get(0).parameters().unquoted("oc-algo")).isEqualTo("loss");
        assertThat(vias.get(0).parameters().get("oc-validity")).isEqualTo("500");
        assertThat(vias.get(0).parameters().get("oc-seq")).isEqualTo("1764000123.4");
        assertThat(vias.get(0).parameters().size()).as("no duplicated parameter").isEqualTo(5);
        assertThat(vias.get(1).toString()).isEqualTo("SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1;oc");
        assertThat(vias.get(2).toString()).isEqualTo("SIP/2.0/UDP ua.example.net;branch=z9hG4bKu;oc");
        in.release();
        out.release();
    }

    @Test
    void topViaWithoutOcIsCopiedAsItWas() {
        String text = Messages.request("OPTIONS", "<sip:b@c>");
        ByteBuf in = Messages.buffer(text);
        ByteBuf out = Unpooled.buffer();
        RejectionWriter.write503(in, out, 5, new OverloadControlFeedback(50, 500, 1, 0));
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .contains("\r\nVia: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-1a2b3c\r\n")
                .doesNotContain("oc=");
        in.release();
        out.release();
    }

    @Test
    void retryAfterDigits() {
        RejectionWriter.Composer composer = new RejectionWriter.Composer();
        for (int value : new int[] {0, 7, 10, 99, 3600, Integer.MAX_VALUE}) {
            composer.reset().putDecimal(value);
            assertThat(new String(composer.bytes, 0, composer.length, StandardCharsets.US_ASCII))
                    .isEqualTo(Integer.toString(value));
        }
    }

    @Test
    void headOfTinyBareLfViaLinesFitsTheComposer() {
        StringBuilder text = new StringBuilder("INVITE sip:b@c SIP/2.0\n");
        while (text.length() < HeaderCursor.SCAN_LIMIT) {
            text.append("v:x\n");
        }
        text.append("f:<sip:a@c>;tag=1\nt:<sip:b@c>\ni:x\nCSeq:1 INVITE\n\n");
        ByteBuf in = Messages.buffer(text.toString());
        ByteBuf out = Unpooled.buffer();
        assertThat(RejectionWriter.write503(in, out, 5, null)).as("From and the rest lie beyond the scan limit").isFalse();
        in.release();
        out.release();
    }

    @Test
    void negativeRetryAfterIsRefused() {
        ByteBuf in = Messages.buffer(Messages.request("INVITE", "<sip:b@c>"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RejectionWriter.write503(in, Unpooled.buffer(), -1, null))
                .isInstanceOf(IllegalArgumentException.class);
        in.release();
    }
}
