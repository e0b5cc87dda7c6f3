package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lag probe on real event loops with a fake clock: a loop that does not run its probe shows a growing lag. */
class EventLoopLagProbeTest {

    @Test
    void overdueProbeOfABlockedLoopCountsAsLag() throws InterruptedException {
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong now = new AtomicLong(5_000_000_000L);
        long interval = Duration.ofMillis(100).toNanos();
        try (EventLoopLagProbe probe = new EventLoopLagProbe(loops, interval, 1, now::get)) {
            assertThat(probe.lagNanos()).isZero();
            loops.forEach(loop -> loop.execute(() -> awaitQuietly(release))); // both loops blocked

            now.addAndGet(interval + Duration.ofMillis(700).toNanos());

            assertThat(probe.lagNanos()).isEqualTo(Duration.ofMillis(700).toNanos());
        } finally {
            release.countDown();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void heapGaugeReportsAFraction() {
        assertThat(new HeapPressureGauge(OverloadSettings.defaults()).occupancyAfterGc()).isBetween(0.0, 1.0);
    }

    /** A young pool judged alone looks full after every collection (G1's survivor space: used == committed). */
    @Test
    void heapGaugeOfAnIdleTestJvmIsFarBelowTheHighMark() {
        System.gc();

        assertThat(new HeapPressureGauge(OverloadSettings.defaults()).occupancyAfterGc()).isLessThan(OverloadSettings.defaults().heapHigh());
    }
}
