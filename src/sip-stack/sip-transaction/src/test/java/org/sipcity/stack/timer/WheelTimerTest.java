package org.sipcity.stack.timer;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the wheel, not its precision: waits are bounded, nothing asserts on elapsed time. */
class WheelTimerTest {

    @Test
    void runsTaskOnTheTimerThread() throws InterruptedException {
        try (WheelTimer timer = new WheelTimer()) {
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<String> thread = new AtomicReference<>();
            TimerHandle handle = timer.schedule(() -> {
                thread.set(Thread.currentThread().getName());
                ran.countDown();
            }, 1, TimeUnit.MILLISECONDS);

            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thread.get()).startsWith("sip-timer");
            assertThat(handle.isExpired()).isTrue();
        }
    }

    @Test
    void failingTaskDoesNotStopLaterTasks() throws InterruptedException {
        try (WheelTimer timer = new WheelTimer()) {
            CountDownLatch second = new CountDownLatch(1);
            timer.schedule(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            }, 1, TimeUnit.MILLISECONDS);
            timer.schedule(second::countDown, 20, TimeUnit.MILLISECONDS);

            assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cancelledTaskDoesNotRun() throws InterruptedException {
        try (WheelTimer timer = new WheelTimer()) {
            AtomicBoolean cancelledRan = new AtomicBoolean();
            TimerHandle handle = timer.schedule(() -> cancelledRan.set(true), 50, TimeUnit.MILLISECONDS);
            assertThat(handle.cancel()).isTrue();

            // A later task running proves the wheel passed the cancelled slot.
            CountDownLatch later = new CountDownLatch(1);
            timer.schedule(later::countDown, 100, TimeUnit.MILLISECONDS);
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(cancelledRan).isFalse();
            assertThat(handle.isCancelled()).isTrue();
        }
    }

    @Test
    void refusesTasksOnceClosed() {
        WheelTimer timer = new WheelTimer();
        timer.close();

        assertThatThrownBy(() -> timer.schedule(() -> { }, 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void clockIsMonotonic() {
        try (WheelTimer timer = new WheelTimer()) {
            long first = timer.now();
            assertThat(timer.now()).isGreaterThanOrEqualTo(first);
        }
    }
}
