package org.sipcity.sip.container.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The guard against an application declared inline that blocks: slow tasks counted, warnings rate-limited. */
class InlineRunnerTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final InlineRunner runner = new InlineRunner(20, nanos::get);

    private Runnable taking(long millis) {
        return () -> nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aQuickTaskIsNotSlow() {
        runner.run(taking(19), "registrar");
        assertThat(runner.completed()).isEqualTo(1);
        assertThat(runner.slow()).isZero();
        assertThat(runner.warnings()).isZero();
    }

    @Test
    void aTaskAtTheThresholdIsCountedAndWarnedOfOncePerInterval() {
        runner.run(taking(20), "registrar");
        assertThat(runner.slow()).isEqualTo(1);
        assertThat(runner.warnings()).isEqualTo(1);

        for (int i = 0; i < 50; i++) {
            runner.run(taking(100), "registrar");   // 5 s of blocking: still within the warning interval
        }
        assertThat(runner.slow()).isEqualTo(51);
        assertThat(runner.warnings()).as("rate-limited").isEqualTo(1);

        nanos.addAndGet(InlineRunner.WARNING_INTERVAL_NANOS);
        runner.run(taking(30), "registrar");
        assertThat(runner.warnings()).isEqualTo(2);
        assertThat(runner.completed()).isEqualTo(52);
    }

    @Test
    void whatATaskThrowsStaysOnTheEventLoopAndIsCounted() {
        assertThatCode(() -> runner.run(() -> {
            throw new IllegalStateException("application bug");
        }, "registrar")).doesNotThrowAnyException();
        assertThat(runner.completed()).isEqualTo(1);
    }
}
