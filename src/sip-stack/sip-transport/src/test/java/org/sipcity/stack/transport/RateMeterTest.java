package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateMeterTest {

    private final AtomicLong counter = new AtomicLong();
    private final RateMeter meter = new RateMeter(counter::get);

    @Test
    void averagesOverTheSecondsSampledUntilTheWindowIsFull() {
        assertThat(meter.perSecond()).isZero();
        meter.sample();
        assertThat(meter.perSecond()).isZero();
        counter.addAndGet(30);
        meter.sample();
        assertThat(meter.perSecond()).isEqualTo(30);
        counter.addAndGet(10);
        meter.sample();
        assertThat(meter.perSecond()).isEqualTo(20);
    }

    @Test
    void forgetsWhatLiesBeforeTheWindow() {
        meter.sample();
        counter.addAndGet(1000);
        meter.sample();
        for (int i = 0; i < RateMeter.WINDOW_SECONDS; i++) {
            counter.addAndGet(5);
            meter.sample();
        }
        assertThat(meter.perSecond()).isEqualTo(5);
        for (int i = 0; i < RateMeter.WINDOW_SECONDS; i++) {
            meter.sample();
        }
        assertThat(meter.perSecond()).isZero();
    }
}
