package org.sipcity.stack.framing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;

/** Every RFC 4475 torture message as the whole content of a TCP stream. */
class Rfc4475FramingTest {

    static List<String> files() {
        return Rfc4475Corpus.fileNames();
    }

    @ParameterizedTest
    @MethodSource("files")
    void framesAsJudged(String file) {
        byte[] bytes = Rfc4475Corpus.read(file);
        try (FramerHarness harness = new FramerHarness()) {
            List<Object> items = harness.read(bytes);
            String head = head(bytes);
            switch (Rfc4475Corpus.framing(file)) {
                case ONE_MESSAGE -> assertThat(items).containsExactly(message(bytes));
                case REGISTER_PONG_INVITE_THEN_NOISE -> {
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    int invite = text.indexOf("INVITE ");
                    int noise = bytes.length - "C\r\n\r\n".length();
                    assertThat(items).containsExactly(
                            message(Arrays.copyOf(bytes, invite - 2)),
                            KeepAlive.PONG,
                            message(Arrays.copyOfRange(bytes, invite, noise)),
                            new FramerHarness.Failure(400, "Missing Content-Length", "C\r\n\r\n"));
                }
                case INCOMPLETE -> {
                    assertThat(items).isEmpty();
                    assertThat(harness.pending()).isEqualTo(bytes.length);
                }
                case NEGATIVE_CONTENT_LENGTH -> assertThat(items).singleElement().isInstanceOfSatisfying(
                        FramerHarness.Failure.class, f -> assertFailure(f, "Negative Content-Length", head));
                case CONFLICTING_CONTENT_LENGTH -> assertThat(items).singleElement().isInstanceOfSatisfying(
                        FramerHarness.Failure.class, f -> assertFailure(f, "Conflicting Content-Length Values", head));
                case MISSING_CONTENT_LENGTH -> assertThat(items).containsExactly(
                        new FramerHarness.Failure(400, "Missing Content-Length", head));
                default -> throw new AssertionError(file);
            }
        }
    }

    private static void assertFailure(FramerHarness.Failure failure, String reason, String head) {
        assertThat(failure.statusCode()).isEqualTo(400);
        assertThat(failure.reasonPhrase()).isEqualTo(reason);
        assertThat(head).startsWith(failure.head());
    }

    private static String head(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 4);
    }
}
