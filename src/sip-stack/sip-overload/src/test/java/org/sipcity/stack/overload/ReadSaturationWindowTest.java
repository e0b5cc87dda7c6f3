package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The read-saturation share over a 1 s window fed every 50 ms, on played cumulative counters: a loop that never
 * drains its sockets reaches the high mark (0.5) half a window after it starts; a burst, a short pause and its drain
 * stay below it; the share falls back once the loop drains again.
 */
class ReadSaturationWindowTest {

    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 50 * MS;

    private final ReadSaturationWindow window = new ReadSaturationWindow(1000 * MS, 20);
    private long now = 5_000 * MS;
    private final long[] saturated = new long[2];

    /** One evaluation interval in which loop 0 spent {@code cutOffMillis} in cut-off batches. */
    private double interval(long cutOffMillis) {
        now += INTERVAL;
        saturated[0] += cutOffMillis * MS;
        return window.update(now, saturated, 1);
    }

    @Test
    void aLoopThatNeverDrainsItsSocketsPassesHalfTheWindowAfterHalfAWindow() {
        interval(0);
        double share = 0;
        int intervals = 0;
        while (share < 0.5) {
            share = interval(50);
            intervals++;
        }
        assertThat(intervals).isEqualTo(10);
        for (int i = 0; i < 20; i++) {
            share = interval(50);
        }
        assertThat(share).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aBurstOnAnIdleServerCountsForItsFewMilliseconds() {
        interval(0);
        // 300 datagrams at once: 19 batches cut off at 16, about 9 ms of reading.
        assertThat(interval(9)).isCloseTo(0.009, within(1e-9));
        for (int i = 0; i < 30; i++) {
            assertThat(interval(0)).isLessThan(0.01);
        }
        assertThat(interval(0)).isZero();
    }

    @Test
    void beforeAWholeWindowHasPassedTheMissingPartCountsAsCalm() {
        // A fresh valve whose first interval was all cut off: 50 ms of a 1 s window, not 100%.
        assertThat(interval(50)).isZero(); // the first sample only sets the start
        assertThat(interval(50)).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void aPauseAndItsDrainStayBelowTheHighMarkWhenShorterThanHalfTheWindow() {
        for (int i = 0; i < 25; i++) {
            interval(0);
        }
        // A 200 ms pause that ends inside one long cut-off batch, then 200 ms draining the backlog (utilisation 0.5).
        double peak = 0;
        for (int i = 0; i < 8; i++) {
            peak = Math.max(peak, interval(50));
        }
        for (int i = 0; i < 30; i++) {
            peak = Math.max(peak, interval(0));
        }
        assertThat(peak).isCloseTo(0.4, within(1e-9)).isLessThan(0.5);
    }

    @Test
    void theShareFallsBackWithinAWindowOnceTheLoopDrains() {
        interval(0);
        for (int i = 0; i < 40; i++) {
            interval(50);
        }
        int intervals = 0;
        double share = 1;
        while (share >= 0.2) {
            share = interval(0);
            intervals++;
        }
        assertThat(intervals).as("below the low mark (0.2) once less than a fifth of the window was cut off").isEqualTo(17);
    }

    @Test
    void theLoopWhereItIsLargestCountsAndLoopsMayAppearLater() {
        now += INTERVAL;
        assertThat(window.update(now, saturated, 1)).isZero();
        for (int i = 0; i < 20; i++) {
            now += INTERVAL;
            saturated[0] += 10 * MS; // a loop cut off a fifth of the time
            assertThat(window.update(now, saturated, 1)).isLessThanOrEqualTo(0.2 + 1e-9);
        }
        double share = 0;
        for (int i = 0; i < 20; i++) {
            now += INTERVAL;
            saturated[0] += 10 * MS;
            saturated[1] += 45 * MS; // a second loop, first read now, cut off 90% of the time
            share = window.update(now, saturated, 2);
        }
        assertThat(share).isCloseTo(0.9, within(1e-9));
    }
}
