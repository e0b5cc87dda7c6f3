package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ascii;
import static org.sipcity.stack.framing.SampleMessages.concat;

/** A message cut anywhere by the network comes out whole, once, whatever the cut. */
class SplitDeliveryTest {

    static List<String> wellFramedRfc4475Files() {
        return Rfc4475Corpus.wellFramed();
    }

    @Test
    void everySampleSplitAtEveryByte() {
        for (byte[] sample : SampleMessages.ALL) {
            assertSplitAtEveryByte(sample, List.of(message(sample)));
        }
    }

    @ParameterizedTest
    @MethodSource("wellFramedRfc4475Files")
    void everyWellFramedRfc4475MessageSplitAtEveryByte(String file) {
        byte[] bytes = Rfc4475Corpus.read(file);
        List<Object> whole;
        try (FramerHarness harness = new FramerHarness()) {
            whole = new ArrayList<>(harness.read(bytes));
        }
        assertThat(whole).isNotEmpty().allMatch(FramerHarness.Message.class::isInstance);
        assertSplitAtEveryByte(bytes, whole);
        assertOneByteAtATime(bytes, whole);
    }

    @Test
    void everySampleDeliveredOneByteAtATimeOnHeapAndDirectBuffers() {
        for (byte[] sample : SampleMessages.ALL) {
            assertOneByteAtATime(sample, List.of(message(sample)));
        }
    }

    @Test
    void aConversationWithKeepAlivesSplitAtEveryByte() {
        byte[] ping = ascii("\r\n\r\n");
        byte[] stream = concat(ping, SampleMessages.REGISTER, SampleMessages.REGISTER_OK, ping, SampleMessages.INVITE,
                SampleMessages.INVITE_OK, SampleMessages.ACK, ping);
        List<Object> expected = List.of(KeepAlive.PING, message(SampleMessages.REGISTER),
                message(SampleMessages.REGISTER_OK), KeepAlive.PING, message(SampleMessages.INVITE),
                message(SampleMessages.INVITE_OK), message(SampleMessages.ACK), KeepAlive.PING);
        for (int cut = 1; cut < stream.length; cut++) {
            if (isInsidePing(stream, cut)) {
                continue;   // a ping cut in its middle reads as pong + ping: see KeepAliveTest
            }
            try (FramerHarness harness = new FramerHarness()) {
                assertThat(harness.readSplit(stream, cut)).as("cut at %d", cut).isEqualTo(expected);
            }
        }
    }

    /** Whether the cut falls right after the first CRLF of a double CRLF. */
    private static boolean isInsidePing(byte[] stream, int cut) {
        return cut >= 2 && cut + 2 <= stream.length && stream[cut - 2] == '\r' && stream[cut - 1] == '\n'
                && stream[cut] == '\r' && stream[cut + 1] == '\n';
    }

    private static void assertSplitAtEveryByte(byte[] bytes, List<Object> expected) {
        for (int cut = 1; cut < bytes.length; cut++) {
            for (boolean direct : new boolean[] {false, true}) {
                try (FramerHarness harness = new FramerHarness(FramingConfig.defaults(), direct)) {
                    assertThat(harness.readSplit(bytes, cut)).as("cut at %d, direct %s", cut, direct).isEqualTo(expected);
                    assertThat(harness.pending()).isZero();
                }
            }
        }
    }

    private static void assertOneByteAtATime(byte[] bytes, List<Object> expected) {
        for (boolean direct : new boolean[] {false, true}) {
            try (FramerHarness harness = new FramerHarness(FramingConfig.defaults(), direct)) {
                for (int i = 0; i < bytes.length; i++) {
                    harness.read(bytes, i, 1);
                }
                assertThat(harness.items()).isEqualTo(expected);
                assertThat(harness.pending()).isZero();
            }
        }
    }
}
