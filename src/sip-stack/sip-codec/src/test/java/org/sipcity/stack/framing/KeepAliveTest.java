package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.KeepAlive.PING;
import static org.sipcity.stack.framing.KeepAlive.PONG;
import static org.sipcity.stack.framing.SampleMessages.ACK;
import static org.sipcity.stack.framing.SampleMessages.REGISTER;
import static org.sipcity.stack.framing.SampleMessages.ascii;
import static org.sipcity.stack.framing.SampleMessages.concat;

/** RFC 5626 §4.4.1 CRLF keep-alives, and RFC 3261 §7.5 CRLFs before a start line. */
class KeepAliveTest {

    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] DOUBLE_CRLF = ascii("\r\n\r\n");

    @Test
    void aDoubleCrlfAloneIsAPing() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(DOUBLE_CRLF)).containsExactly(PING);
            assertThat(harness.pending()).isZero();
        }
    }

    @Test
    void aSingleCrlfAloneIsAPong() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(CRLF)).containsExactly(PONG);
        }
    }

    @Test
    void keepAlivesBeforeBetweenAndAfterMessages() {
        try (FramerHarness harness = new FramerHarness()) {
            byte[] stream = concat(DOUBLE_CRLF, REGISTER, DOUBLE_CRLF, DOUBLE_CRLF, ACK, CRLF, REGISTER, DOUBLE_CRLF);
            assertThat(harness.read(stream)).containsExactly(
                    PING, message(REGISTER), PING, PING, message(ACK), PONG, message(REGISTER), PING);
        }
    }

    @Test
    void aPingCutAfterItsFirstCrlfIsStillAnswered() {
        try (FramerHarness harness = new FramerHarness()) {
            // The first half cannot be told from a pong; the second half completes a ping.
            assertThat(harness.read(concat(REGISTER, CRLF))).containsExactly(message(REGISTER), PONG);
            assertThat(harness.read(concat(CRLF, ACK))).containsExactly(PING, message(ACK));
        }
    }

    @Test
    void aPingCutAfterItsFirstCarriageReturnWaitsForTheRest() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("\r"))).isEmpty();
            assertThat(harness.read(ascii("\n\r"))).isEmpty();
            assertThat(harness.pending()).isEqualTo(3);
            assertThat(harness.read(ascii("\n"))).containsExactly(PING);
        }
    }

    @Test
    void aPongFollowedByAMessageIsAPong() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(CRLF, ACK))).containsExactly(PONG, message(ACK));
        }
    }

    @Test
    void threeCrlfsAfterALoneCrlfAreOnePingThenHalfOfTheNext() {
        try (FramerHarness harness = new FramerHarness()) {
            // Either a pong then a ping, or a ping whose halves straddle the reads then half of another:
            // one answer now either way, and the trailing CRLF may still become a ping.
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.read(DOUBLE_CRLF)).containsExactly(PING, PONG);
            assertThat(harness.read(CRLF)).containsExactly(PING);
        }
    }

    /** Regression: two pings after a message, the first cut after its first CRLF, must both be answered. */
    @Test
    void twoPingsWhoseFirstIsCutAfterItsFirstCrlfAreBothAnswered() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(REGISTER, CRLF))).containsExactly(message(REGISTER), PONG);
            assertThat(harness.read(concat(CRLF, DOUBLE_CRLF))).containsExactly(PING, PING);
        }
    }

    @Test
    void aMessageBetweenClearsTheHalfPingMemory() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.read(ACK)).containsExactly(message(ACK));
            assertThat(harness.read(CRLF)).containsExactly(PONG);
        }
    }

    /**
     * Regression: a load generator's flows missed every other pong. Pongs arrive one per read, a keep-alive interval
     * apart, and the second of two with no message between was taken for the second half of a cut ping.
     */
    @Test
    void atTheConnectingEndEachLoneCrlfIsAPongEvenWithNothingBetween() {
        try (FramerHarness harness = new FramerHarness(
                SipStreamFramer.forConnectingEnd(FramingConfig.defaults()), false)) {
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.framerBetweenMessages()).isTrue();
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.read(ascii("\r\n\r"))).containsExactly(PONG);
            assertThat(harness.read(ascii("\n"))).containsExactly(PONG);
            assertThat(harness.read(concat(REGISTER, CRLF))).containsExactly(message(REGISTER), PONG);
            assertThat(harness.read(concat(CRLF, ACK))).containsExactly(PONG, message(ACK));
            // a peer's ping in one read is still a ping, and answered
            assertThat(harness.read(DOUBLE_CRLF)).containsExactly(PING);
        }
    }

    @Test
    void atTheAcceptingEndTheSecondOfTwoLoneCrlfsCompletesAPing() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.read(CRLF)).containsExactly(PING);
        }
    }

    @Test
    void aCarriageReturnWithoutLineFeedIsNotAKeepAlive() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("\rX"))).containsExactly(
                    new FramerHarness.Failure(400, "Malformed CRLF Keep-Alive", null));
        }
    }

    @Test
    void aLoneLineFeedCannotStartAMessage() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("\n"))).containsExactly(
                    new FramerHarness.Failure(400, "Invalid Start Of Message", null));
        }
    }

    @Test
    void hundredsOfPingsInOneRead() {
        byte[][] pings = new byte[300][];
        java.util.Arrays.fill(pings, DOUBLE_CRLF);
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(pings))).hasSize(300).containsOnly(PING);
        }
    }

    /** What lets a server hand an idle connection's framer to another connection: only a framer holding nothing. */
    @Test
    void theFramerHoldsNothingOnlyBetweenWholeItemsAndNotAfterALoneCrlf() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.framerBetweenMessages()).isTrue();
            harness.read(concat(REGISTER, DOUBLE_CRLF));
            assertThat(harness.framerBetweenMessages()).isTrue();
            harness.read(REGISTER, 0, 10);
            assertThat(harness.framerBetweenMessages()).as("a message begun").isFalse();
            harness.read(REGISTER, 10, REGISTER.length - 10);
            assertThat(harness.framerBetweenMessages()).isTrue();
            assertThat(harness.read(CRLF)).containsExactly(PONG);
            assertThat(harness.framerBetweenMessages()).as("maybe the first half of a ping").isFalse();
            assertThat(harness.read(CRLF)).containsExactly(PING);
            assertThat(harness.framerBetweenMessages()).isTrue();
        }
    }
}
