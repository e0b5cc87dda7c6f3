package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ACK;
import static org.sipcity.stack.framing.SampleMessages.ascii;
import static org.sipcity.stack.framing.SampleMessages.concat;

/** Bytes that are not a SIP stream: refused at once, never buffered up to the size limits. */
class InvalidStreamTest {

    @Test
    void aTlsHandshakeOnAPlainPortIsRefusedAtTheFirstByte() {
        byte[] clientHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(clientHello, 0, 1)).containsExactly(
                    new FramerHarness.Failure(400, "Invalid Start Of Message", null));
            assertThat(harness.read(clientHello, 1, 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {" INVITE sip:a@b SIP/2.0", "\tX", "<html>", "{\"json\":1}", "\u0000", "\u00ff", "@", "/"})
    void aMessageCannotStartWithAByteThatStartsNoToken(String start) {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(ACK, ascii(start)))).containsExactly(message(ACK),
                    new FramerHarness.Failure(400, "Invalid Start Of Message", null));
        }
    }

    @Test
    void aBareLineFeedInTheHeadIsRefusedWithTheLineItEnds() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\nl: 0\r\n\r\n"))).containsExactly(
                    new FramerHarness.Failure(400, "Bare LF In Message Head", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\n"));
        }
    }

    @Test
    void aHeadOfBareLineFeedsIsRefusedAtItsFirstLine() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("OPTIONS sip:a@b SIP/2.0\nl: 0\n\n"))).containsExactly(
                    new FramerHarness.Failure(400, "Bare LF In Message Head", "OPTIONS sip:a@b SIP/2.0\n"));
        }
    }

    @Test
    void aMalformedStartLineIsFramedAndLeftToTheParser() {
        // RFC 4475 "bigcode" style: framing is intact, so the stream goes on.
        byte[] bigcode = ascii("SIP/2.0 4294967301 better not break the receiver\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(bigcode, ACK))).containsExactly(message(bigcode), message(ACK));
        }
    }
}
