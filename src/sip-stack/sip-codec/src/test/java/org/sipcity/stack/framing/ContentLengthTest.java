package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ACK;
import static org.sipcity.stack.framing.SampleMessages.ascii;
import static org.sipcity.stack.framing.SampleMessages.concat;

/** RFC 3261 §20.14 and §18.3: the Content-Length field, the only thing that frames a message on a stream. */
class ContentLengthTest {

    private static final String HEAD = "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n";
    private static final String TAIL = "Call-ID: 1@h\r\n\r\n";

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5", "content-length: 5", "CONTENT-LENGTH: 5", "cOnTeNt-LeNgTh:5", "l: 5", "L: 5",
        "l:5", "Content-Length   : 5", "Content-Length\t:\t5", "Content-Length: 5  ", "Content-Length: 0005",
        "Content-Length:\r\n 5", "Content-Length: \r\n\t \r\n 5 \r\n ", "l:\r\n  0005\t",
    })
    void readsEveryFormOfTheField(String field) {
        byte[] bytes = ascii(HEAD + field + "\r\n" + TAIL + "hello");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(bytes, ACK))).containsExactly(message(bytes), message(ACK));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type: text/plain", "Content-Lengthy: 3", "Content-Length-X: 3", "Lx: 3",
        "Location: 3", "Contact: <sip:l@h>", "Content: 3", "l-: 3", "X-Content-Length: 3"})
    void ignoresFieldsThatOnlyLookAlike(String field) {
        byte[] bytes = ascii(HEAD + field + "\r\nContent-Length: 2\r\n" + TAIL + "hi");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(bytes)).containsExactly(message(bytes));
        }
    }

    @Test
    void toleratesRepeatsOfTheSameValue() {
        byte[] bytes = ascii(HEAD + "Content-Length: 2\r\nl: 02\r\n" + TAIL + "hi");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(bytes)).containsExactly(message(bytes));
        }
    }

    @Test
    void readsAZeroLengthBody() {
        byte[] bytes = ascii(HEAD + "Content-Length: 0\r\n" + TAIL);
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(bytes, bytes))).containsExactly(message(bytes), message(bytes));
        }
    }

    /** CSV cannot hold a line break: {@code {CRLF}} stands for one. */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "Content-Length: -5                | 400 | Negative Content-Length",
        "l: -0                             | 400 | Negative Content-Length",
        "Content-Length: five              | 400 | Non-Numeric Content-Length",
        "Content-Length: +5                | 400 | Non-Numeric Content-Length",
        "Content-Length: 5x                | 400 | Non-Numeric Content-Length",
        "Content-Length: 1 2               | 400 | Non-Numeric Content-Length",
        "Content-Length: 5, 5              | 400 | Non-Numeric Content-Length",
        "Content-Length: 0x10              | 400 | Non-Numeric Content-Length",
        "Content-Length:                   | 400 | Empty Content-Length",
        "l:                                | 400 | Empty Content-Length",
        "Content-Length: 2147483648        | 400 | Content-Length Overflow",
        "Content-Length: 99999999999999999999999 | 400 | Content-Length Overflow",
        "Content-Length: 2{CRLF}l: 3       | 400 | Conflicting Content-Length Values",
        "Content-Length: 2{CRLF}Content-Length: 0 | 400 | Conflicting Content-Length Values",
        "Content-Length: 2147483647        | 513 | Message Too Large",
        "Content-Length: 65536             | 513 | Message Too Large",
    })
    void refusesABadValueAndHandsBackTheHead(String field, int status, String reason) {
        String head = HEAD + field.replace("{CRLF}", "\r\n") + "\r\n" + TAIL;
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii(head + "hi\r\n" + new String(ACK, java.nio.charset.StandardCharsets.ISO_8859_1))))
                    .singleElement()
                    .isInstanceOfSatisfying(FramerHarness.Failure.class, failure -> {
                        assertThat(failure.statusCode()).isEqualTo(status);
                        assertThat(failure.reasonPhrase()).isEqualTo(reason);
                        // What was read of the head, from its first byte, for building an answer.
                        assertThat(head).startsWith(failure.head());
                        assertThat(failure.head()).startsWith(HEAD);
                    });
            assertThat(harness.pending()).isZero();
        }
    }

    @Test
    void aMissingContentLengthLosesTheStream() {
        // RFC 3261 §18.3: "the Content-Length header field MUST be used with stream oriented transports".
        String head = HEAD + TAIL;
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(ascii(head), ACK))).containsExactly(
                    new FramerHarness.Failure(400, "Missing Content-Length", head));
        }
    }

    @Test
    void aContentLengthOnTheStartLineIsNotAField() {
        String head = "l: sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\n";
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii(head))).containsExactly(new FramerHarness.Failure(400, "Missing Content-Length", head));
        }
    }

    @Test
    void digitsSeparatedByAFoldAreNotOneNumber() {
        byte[] bytes = ascii(HEAD + "Content-Length:\r\n 1\r\n 0\r\n" + TAIL + "0123456789");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(bytes)).singleElement()
                    .isEqualTo(new FramerHarness.Failure(400, "Non-Numeric Content-Length",
                            HEAD + "Content-Length:\r\n 1\r\n 0\r\n"));
        }
    }
}
