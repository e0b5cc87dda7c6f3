package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The dropped share of arriving datagrams over a window of evaluations. */
class DropShareWindowTest {

    private static final long MS = 1_000_000L;

    @Test
    void theShareIsTakenOverTheWindowAndForgetsWhatIsOlder() {
        DropShareWindow window = new DropShareWindow(1_000 * MS, 21);
        long drops = 0;
        long judged = 0;
        long now = 0;
        assertThat(window.update(now, drops, judged)).isZero();
        for (int i = 0; i < 20; i++) { // 1 s: 10 dropped, 90 judged per 50 ms
            now += 50 * MS;
            drops += 10;
            judged += 90;
            assertThat(window.update(now, drops, judged)).isCloseTo(0.1, within(1e-9));
        }
        for (int i = 0; i < 19; i++) { // then no drops
            now += 50 * MS;
            judged += 100;
            window.update(now, drops, judged);
        }
        now += 50 * MS;
        judged += 100;
        assertThat(window.update(now, drops, judged)).as("a whole window without drops").isZero();
    }

    @Test
    void nothingArrivingIsNoDrop() {
        DropShareWindow window = new DropShareWindow(1_000 * MS, 21);
        window.update(0, 5, 5);

        assertThat(window.update(50 * MS, 5, 5)).isZero();
    }

    @Test
    void afterAGapLongerThanTheWindowTheNewestSampleIsTheBase() {
        DropShareWindow window = new DropShareWindow(1_000 * MS, 21);
        window.update(0, 0, 0);
        window.update(50 * MS, 0, 100);

        assertThat(window.update(5_000 * MS, 100, 200)).isCloseTo(0.5, within(1e-9));
    }
}
