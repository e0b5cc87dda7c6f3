package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The rate of a cumulative count, over the ring and over its last samples, on a played clock. */
class CountRateTest {

    private static final long EVALUATION = 50_000_000L;

    @Test
    void aSteadyCountGivesItsRateFromTheSecondSampleOn() {
        CountRate rate = new CountRate(21, 5);
        assertThat(rate.update(0, 0)).as("nothing to compare with yet").isZero();
        for (int i = 1; i <= 40; i++) {
            assertThat(rate.update(i * EVALUATION, i * 100L)).isEqualTo(2_000.0);
        }
    }

    @Test
    void aLoadThatHasJustBegunCountsAtItsRecentRateNotDilutedByTheQuietBeforeIt() {
        CountRate rate = new CountRate(21, 5);
        long count = 0;
        for (int i = 0; i <= 20; i++) {
            rate.update(i * EVALUATION, count); // a quiet second
        }
        for (int i = 21; i <= 25; i++) {
            count += 400; // 8,000/s for 250 ms
            rate.update(i * EVALUATION, count);
        }
        assertThat(rate.rate()).as("the last five evaluations, not the second").isEqualTo(8_000.0);
    }

    @Test
    void aBurstThatIsOverCountsOnlyByItsShareOfTheWindow() {
        CountRate rate = new CountRate(21, 5);
        long count = 0;
        for (int i = 0; i <= 20; i++) {
            count += i == 10 ? 1_000 : 0; // 1,000 at once, then quiet
            rate.update(i * EVALUATION, count);
        }
        assertThat(rate.rate()).as("1,000 over the one-second window").isEqualTo(1_000.0);
    }

    @Test
    void aCountThatGoesBackwardsReadsZeroNotNegative() {
        CountRate rate = new CountRate(3, 1);
        rate.update(0, 500);
        assertThat(rate.update(EVALUATION, 100)).isZero();
    }

    @Test
    void needsAWindowOfTwoSamples() {
        assertThatThrownBy(() -> new CountRate(1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
