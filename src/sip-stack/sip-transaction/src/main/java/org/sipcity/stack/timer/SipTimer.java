package org.sipcity.stack.timer;

import java.util.concurrent.TimeUnit;

/**
 * Runs short tasks after a delay: the clock behind every RFC 3261 §17 timer (A to K) and the
 * RFC 6026 timers L and M.
 *
 * <p>Two implementations: {@link WheelTimer} for production (one hashed wheel, one worker thread
 * for all timers, no thread per timer) and {@link SimulatedTimer} for tests (time moves only when
 * the test says so).
 *
 * <p>Tasks must be short and must not block: they share one thread with every other timer of the
 * stack. A task that throws is logged and does not disturb other tasks.
 */
public interface SipTimer {

    /**
     * Schedules {@code task} to run once, {@code delay} after now.
     *
     * @param task  the work; runs on the timer's thread
     * @param delay how long to wait; zero or negative runs it on the next tick
     * @param unit  unit of {@code delay}
     * @return a handle to cancel the task
     * @throws java.util.concurrent.RejectedExecutionException if the timer is stopped or full
     */
    TimerHandle schedule(Runnable task, long delay, TimeUnit unit);

    /** Monotonic time in milliseconds, on this timer's clock; only differences are meaningful. */
    long now();
}
