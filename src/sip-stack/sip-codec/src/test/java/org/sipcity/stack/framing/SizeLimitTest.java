package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ascii;

/** RFC 3261 §21.5.14 513 Message Too Large: the limits of {@link FramingConfig}. */
class SizeLimitTest {

    private static final FramingConfig SMALL = new FramingConfig(300, 200);

    /** A message whose head is exactly {@code headSize} bytes, with {@code bodySize} body bytes. */
    private static byte[] sized(int headSize, int bodySize) {
        String start = "MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: " + bodySize + "\r\nX-Pad: ";
        int pad = headSize - start.length() - 4;
        return ascii(start + "p".repeat(pad) + "\r\n\r\n" + "b".repeat(bodySize));
    }

    @Test
    void aHeadOfExactlyTheLimitPasses() {
        byte[] bytes = sized(200, 100);
        try (FramerHarness harness = new FramerHarness(SMALL, false)) {
            assertThat(harness.read(bytes)).containsExactly(message(bytes));
        }
    }

    @Test
    void aHeadOneByteOverTheLimitIs513WithWhatWasRead() {
        byte[] bytes = sized(201, 0);
        try (FramerHarness harness = new FramerHarness(SMALL, false)) {
            assertThat(harness.read(bytes)).containsExactly(new FramerHarness.Failure(513, "Message Head Too Large",
                    new String(bytes, 0, 200, StandardCharsets.ISO_8859_1)));
        }
    }

    @Test
    void aHeadWithoutEndIsRefusedAsSoonAsTheLimitIsReachedNotLater() {
        try (FramerHarness harness = new FramerHarness(SMALL, false)) {
            byte[] line = ascii("OPTIONS sip:x SIP/2.0\r\n" + "X: y\r\n".repeat(100));
            assertThat(harness.read(line, 0, 199)).isEmpty();
            assertThat(harness.read(line, 199, 1)).singleElement()
                    .isInstanceOfSatisfying(FramerHarness.Failure.class, f -> assertThat(f.statusCode()).isEqualTo(513));
        }
    }

    @Test
    void aMessageOfExactlyTheLimitPasses() {
        byte[] bytes = sized(150, 150);
        try (FramerHarness harness = new FramerHarness(SMALL, false)) {
            assertThat(harness.read(bytes)).containsExactly(message(bytes));
        }
    }

    @Test
    void aMessageOneByteOverTheLimitIsRefusedBeforeItsBodyArrives() {
        byte[] bytes = sized(150, 151);
        try (FramerHarness harness = new FramerHarness(SMALL, false)) {
            assertThat(harness.read(bytes, 0, 150)).containsExactly(new FramerHarness.Failure(513, "Message Too Large",
                    new String(bytes, 0, 150, StandardCharsets.ISO_8859_1)));
        }
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertThat(FramingConfig.defaults()).isEqualTo(new FramingConfig(65535, 16384));
    }
}
