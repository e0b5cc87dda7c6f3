package org.sipcity.stack.classify;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FirstLineClassifierTest {

    private static final String REST = "Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n";

    @ParameterizedTest
    @EnumSource(value = KnownMethod.class, names = "EXTENSION", mode = EnumSource.Mode.EXCLUDE)
    void recognisesEveryKnownMethod(KnownMethod method) {
        long c = classify(method.name() + " sip:bob@example.com SIP/2.0\r\n" + REST);
        assertThat(FirstLineClassifier.kind(c)).isEqualTo(MessageKind.REQUEST);
        assertThat(FirstLineClassifier.methodId(c)).isEqualTo(method.ordinal());
        assertThat(FirstLineClassifier.method(c)).isSameAs(method);
        assertThat(FirstLineClassifier.statusCode(c)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"invite", "Invite", "INVITEX", "XINVITE", "INVIT", "SUBSCRIBF", "TUBSCRIBE", "SUBSCRIBES",
        "NEWMETHOD", "RE%47IST%45R", "!interesting-Method0123456789_*+`.%indeed'~", "SIP", "S", "A", "ACKACK",
        "REGISTER1", "MESSAGES", "PUBLISh", "UPDATE-"})
    void anyOtherTokenIsAnExtensionMethod(String method) {
        // RFC 3261 §7.1: method names are case-sensitive; extension-method = token.
        long c = classify(method + " sip:bob@example.com SIP/2.0\r\n" + REST);
        assertThat(FirstLineClassifier.kind(c)).isEqualTo(MessageKind.REQUEST);
        assertThat(FirstLineClassifier.method(c)).isSameAs(KnownMethod.EXTENSION);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SIP/2.0 100 Trying|100", "SIP/2.0 180 Ringing|180", "SIP/2.0 200 OK|200", "SIP/2.0 302 Moved Temporarily|302",
        "SIP/2.0 401 Unauthorized|401", "SIP/2.0 503 Service Unavailable|503", "SIP/2.0 699 Whatever|699",
        "'SIP/2.0 100 '|100", "sip/2.0 486 Busy Here|486", "SIP/2.0 200 OK\tthen a tab|200",
        "SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять|200", "SIP/10.25 200 OK|200",
    })
    void readsTheStatusOfAResponse(String statusLine, int status) {
        long c = classify(statusLine + "\r\n" + REST);
        assertThat(FirstLineClassifier.kind(c)).isEqualTo(MessageKind.RESPONSE);
        assertThat(FirstLineClassifier.statusCode(c)).isEqualTo(status);
        assertThat(FirstLineClassifier.methodId(c)).isEqualTo(-1);
        assertThat(FirstLineClassifier.method(c)).isNull();
    }

    @Test
    void onlyCrlfsSoFarAreIncomplete() {
        assertThat(kind("")).isEqualTo(MessageKind.INCOMPLETE);
        assertThat(kind("\r")).isEqualTo(MessageKind.INCOMPLETE);
        assertThat(kind("\r\n\r\n")).isEqualTo(MessageKind.INCOMPLETE);
        assertThat(kind("\r\n\r")).isEqualTo(MessageKind.INCOMPLETE);
    }

    @Test
    void skipsLeadingCrlfs() {
        long c = classify("\r\n\r\n\r\nBYE sip:bob@example.com SIP/2.0\r\n" + REST);
        assertThat(FirstLineClassifier.method(c)).isSameAs(KnownMethod.BYE);
        assertThat(FirstLineClassifier.statusCode(classify("\r\nSIP/2.0 180 Ringing\r\n"))).isEqualTo(180);
    }

    @Test
    void everyPrefixOfAValidFirstLineIsIncomplete() {
        for (String line : new String[] {"\r\n\r\nINVITE sip:bob@example.com SIP/2.0\r\n", "SIP/2.0 200 OK\r\n",
                "SUBSCRIBE sip:bob@example.com sip/12.34\r\n", "SIP/2.0 100 \r\n", "X sip:a SIP/2.0\r\n"}) {
            for (int length = 0; length < line.length(); length++) {
                assertThat(kind(line.substring(0, length))).as("%s cut at %d", line, length).isEqualTo(MessageKind.INCOMPLETE);
            }
            assertThat(kind(line)).isIn(MessageKind.REQUEST, MessageKind.RESPONSE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INVITE  sip:bob@example.com SIP/2.0",        // empty Request-URI (RFC 4475 "lwsstart")
        "INVITE sip:bob@example.com  SIP/2.0",        // two SPs before the version
        "INVITE sip:bob@example.com; lr SIP/2.0",     // LWS inside the Request-URI (RFC 4475 "lwsruri")
        "OPTIONS sip:bob@example.com SIP/2.0  ",      // trailing white space (RFC 4475 "trws")
        "INVITE sip:bob@example.com HTTP/1.1",        // not the SIP version token
        "INVITE sip:bob@example.com SIP/2",           // version without minor number
        "INVITE sip:bob@example.com SIP/.0",
        "INVITE sip:bob@example.com SIP/2.",
        "INVITE sip:bob@example.com SIP/2.0/TCP",
        "INVITE sip:bob@example.com SIP 2.0",
        "INVITE sip:bob@example.com",                 // no version at all
        "INV(TE sip:bob@example.com SIP/2.0",         // not a token
        "INV\u00c9TE sip:bob@example.com SIP/2.0",
        " INVITE sip:bob@example.com SIP/2.0",
        "INVITE\tsip:bob@example.com SIP/2.0",
        "INVITE sip:bob@exa\u0000mple.com SIP/2.0",
        "INVITE sip:bob@example.com\tSIP/2.0",
        "SIP/2.0 4294967301 better not break the receiver", // RFC 4475 "bigcode"
        "SIP/2.0 20 OK",
        "SIP/2.0 2000 OK",
        "SIP/2.0 099 Too Low",
        "SIP/2.0 700 Too High",
        "SIP/2.0 2x0 OK",
        "SIP/2.0 200",                                // Status-Line requires the SP before the reason
        "SIP/2.0  200 OK",
        "SIP/2.0 200 OK\u0000",
        "SIP/2.0 200 OK\u007f",
        "SIP/2 200 OK",
        "SIPS/2.0 200 OK",
        "HTTP/1.1 200 OK",
        "/2.0 200 OK",
    })
    void refusesWhatCannotBeAStartLine(String line) {
        long c = classify(line + "\r\n" + REST);
        assertThat(FirstLineClassifier.kind(c)).isEqualTo(MessageKind.INVALID);
        assertThat(FirstLineClassifier.methodId(c)).isEqualTo(-1);
        assertThat(FirstLineClassifier.statusCode(c)).isZero();
    }

    @Test
    void findsAForbiddenByteAtEveryPositionOfALongRequestUri() {
        String uri = "sip:+4930123456789@proxy.example.com;user=phone;transport=tcp";
        for (int at = 1; at < uri.length(); at++) {
            for (char bad : new char[] {'\u0000', '\u001f', '\t', '\r', '\n', '\u007f'}) {
                String line = "INVITE " + uri.substring(0, at) + bad + uri.substring(at + 1) + " SIP/2.0\r\n";
                assertThat(kind(ascii(line))).as("0x%x at %d", (int) bad, at).isEqualTo(MessageKind.INVALID);
            }
            // Bytes 0x80-0xFF are the parser's to judge, not the classifier's.
            String high = "INVITE " + uri.substring(0, at) + '\u00e9' + uri.substring(at + 1) + " SIP/2.0\r\n";
            assertThat(kind(ascii(high))).as("0xe9 at %d", at).isEqualTo(MessageKind.REQUEST);
        }
        String whole = "INVITE " + uri + " SIP/2.0\r\n";
        for (int length = 0; length < whole.length(); length++) {
            assertThat(kind(ascii(whole.substring(0, length)))).isEqualTo(MessageKind.INCOMPLETE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVITE sip:bob@example.com SIP/2.0\n", "INVITE sip:bob@example.com SIP/2.0\rX",
        "SIP/2.0 200 OK\n", "SIP/2.0 200 OK\rX", "\rX", "\n", "\r\n\n"})
    void refusesLineEndsOtherThanCrlf(String text) {
        assertThat(kind(text)).isEqualTo(MessageKind.INVALID);
    }

    @Test
    void acceptsAnyVersionNumberForTheParserToAnswer505() {
        assertThat(FirstLineClassifier.method(classify("OPTIONS sip:t.watson@example.org SIP/7.0\r\n")))
                .isSameAs(KnownMethod.OPTIONS);
    }

    @Test
    void looksOnlyAtTheGivenRange() {
        byte[] bytes = ascii("garbage INVITE sip:bob@example.com SIP/2.0\r\nmore");
        int offset = "garbage ".length();
        long c = FirstLineClassifier.classify(bytes, offset, bytes.length - offset);
        assertThat(FirstLineClassifier.method(c)).isSameAs(KnownMethod.INVITE);
        assertThat(FirstLineClassifier.kind(FirstLineClassifier.classify(bytes, offset, 20))).isEqualTo(MessageKind.INCOMPLETE);
        assertThat(FirstLineClassifier.kind(FirstLineClassifier.classify(bytes, 0, bytes.length))).isEqualTo(MessageKind.INVALID);
    }

    @Test
    void givesTheSameAnswerOnArraysHeapBuffersDirectBuffersAndCompositeBuffers() {
        for (String text : new String[] {"ACK sip:a@b SIP/2.0\r\n", "SIP/2.0 487 Request Terminated\r\n", "SUBSCRIBE sip:x",
                "INVITE sip:a SIP/3.0 \r\n", "SUBSCRIBE sip:a@b SIP/2.0\r\n"}) {
            byte[] bytes = ascii("xx" + text);
            long expected = FirstLineClassifier.classify(bytes, 2, bytes.length - 2);
            ByteBuf heap = Unpooled.wrappedBuffer(bytes);
            ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
            ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes, 0, 7), Unpooled.wrappedBuffer(bytes, 7, bytes.length - 7));
            ByteBuf slice = Unpooled.wrappedBuffer(ascii("yyy" + text + "zzz")).slice(3, text.length());
            ByteBuf readOnly = Unpooled.wrappedBuffer(bytes).asReadOnly();
            assertThat(FirstLineClassifier.classify(heap, 2, bytes.length - 2)).as(text).isEqualTo(expected);
            assertThat(FirstLineClassifier.classify(direct, 2, bytes.length - 2)).as(text).isEqualTo(expected);
            assertThat(FirstLineClassifier.classify(composite, 2, bytes.length - 2)).as(text).isEqualTo(expected);
            assertThat(FirstLineClassifier.classify(slice, 0, text.length())).as(text).isEqualTo(expected);
            assertThat(FirstLineClassifier.classify(readOnly, 2, bytes.length - 2)).as(text).isEqualTo(expected);
            assertThat(heap.readerIndex()).isZero();
            direct.release();
        }
    }

    @Test
    void refusesARangeOutsideTheBuffer() {
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
                .isThrownBy(() -> FirstLineClassifier.classify(new byte[10], 5, 6));
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
                .isThrownBy(() -> FirstLineClassifier.classify(Unpooled.buffer(10, 10), -1, 3));
    }

    private static long classify(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return FirstLineClassifier.classify(bytes, 0, bytes.length);
    }

    private static MessageKind kind(String text) {
        return FirstLineClassifier.kind(classify(text));
    }

    /** Classifies the bytes as an array and as a direct buffer, which must agree. */
    private static MessageKind kind(byte[] bytes) {
        long fromArray = FirstLineClassifier.classify(bytes, 0, bytes.length);
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        try {
            assertThat(FirstLineClassifier.classify(direct, 0, bytes.length)).isEqualTo(fromArray);
        } finally {
            direct.release();
        }
        return FirstLineClassifier.kind(fromArray);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
