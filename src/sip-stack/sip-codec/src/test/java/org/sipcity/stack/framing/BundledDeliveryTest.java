package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ascii;

/** Hundreds of messages in one read, as a busy peer or a reconnecting client sends them. */
class BundledDeliveryTest {

    private static final int MESSAGES = 600;

    @Test
    void hundredsOfMessagesAndKeepAlivesInOneRead() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            byte[] sample = SampleMessages.ALL.get(i % SampleMessages.ALL.size());
            stream.writeBytes(sample);
            expected.add(message(sample));
            if (i % 7 == 0) {
                stream.writeBytes(ascii("\r\n\r\n"));
                expected.add(KeepAlive.PING);
            }
        }
        for (boolean direct : new boolean[] {false, true}) {
            try (FramerHarness harness = new FramerHarness(FramingConfig.defaults(), direct)) {
                assertThat(harness.read(stream.toByteArray())).isEqualTo(expected);
                assertThat(harness.pending()).isZero();
            }
        }
    }

    @Test
    void hundredsOfMessagesInFixedSizeReadsThatCutThemAnywhere() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            byte[] sample = SampleMessages.ALL.get(i % SampleMessages.ALL.size());
            stream.writeBytes(sample);
            expected.add(message(sample));
        }
        byte[] bytes = stream.toByteArray();
        for (int readSize : new int[] {1000, 4096, 16384, 65536}) {
            try (FramerHarness harness = new FramerHarness()) {
                for (int from = 0; from < bytes.length; from += readSize) {
                    harness.read(bytes, from, Math.min(readSize, bytes.length - from));
                }
                assertThat(harness.items()).as("reads of %d bytes", readSize).isEqualTo(expected);
            }
        }
    }

    @Test
    void anErrorInTheMiddleOfABundleKeepsWhatCameBeforeAndDropsTheRest() {
        byte[] bad = ascii("OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\n");
        byte[] bytes = SampleMessages.concat(SampleMessages.REGISTER, SampleMessages.ACK, bad, SampleMessages.REGISTER);
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(bytes)).containsExactly(message(SampleMessages.REGISTER),
                    message(SampleMessages.ACK), new FramerHarness.Failure(400, "Conflicting Content-Length Values",
                            "OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\n"));
            assertThat(harness.pending()).isZero();
        }
    }
}
