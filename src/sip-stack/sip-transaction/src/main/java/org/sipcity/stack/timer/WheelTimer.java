package org.sipcity.stack.timer;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jboss.logging.Logger;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link SipTimer}: Netty's {@link HashedWheelTimer}, one worker thread for all
 * timers of the stack.
 *
 * <p>Why a wheel: a server with hundreds of thousands of live transactions arms two or three
 * timers per transaction and cancels most of them soon after (a response arrives before Timer A or
 * E fires). A hashed wheel makes scheduling and cancelling O(1) with no per-timer thread and no
 * heap reordering; the price is precision of one tick, harmless for timers measured in hundreds
 * of milliseconds (RFC 3261 Table 4).
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>parameter</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>tickMillis</td><td>10</td><td>wheel resolution; a task runs up to one tick late</td></tr>
 *   <tr><td>ticksPerWheel</td><td>512</td><td>slots; one turn covers tickMillis × ticksPerWheel</td></tr>
 *   <tr><td>maxPendingTimers</td><td>0 (no limit)</td><td>beyond it {@link #schedule} throws
 *       {@link RejectedExecutionException}</td></tr>
 * </table>
 *
 * <p>Tasks run on the worker thread named {@code sip-timer-N}; they must not block. An exception
 * thrown by a task is logged here and never reaches the wheel.
 */
public final class WheelTimer implements SipTimer, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WheelTimer.class);

    public static final long DEFAULT_TICK_MILLIS = 10;
    public static final int DEFAULT_TICKS_PER_WHEEL = 512;

    private final HashedWheelTimer wheel;

    /** A wheel with the default parameters. */
    public WheelTimer() {
        this(DEFAULT_TICK_MILLIS, DEFAULT_TICKS_PER_WHEEL, 0);
    }

    /**
     * @param tickMillis       resolution in milliseconds, at least 1
     * @param ticksPerWheel    slots in the wheel (rounded up to a power of two by Netty)
     * @param maxPendingTimers limit of scheduled tasks; 0 or less for none
     */
    public WheelTimer(long tickMillis, int ticksPerWheel, long maxPendingTimers) {
        if (tickMillis < 1) {
            throw new IllegalArgumentException("tickMillis must be at least 1: " + tickMillis);
        }
        if (ticksPerWheel < 1) {
            throw new IllegalArgumentException("ticksPerWheel must be at least 1: " + ticksPerWheel);
        }
        // Daemon thread: a forgotten close() must not keep the JVM alive.
        // No leak detection: one instance per stack, closed by its owner.
        this.wheel = new HashedWheelTimer(new DefaultThreadFactory("sip-timer", true),
                tickMillis, TimeUnit.MILLISECONDS, ticksPerWheel, false, maxPendingTimers);
    }

    @Override
    public TimerHandle schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        try {
            return new WheelHandle(wheel.newTimeout(new GuardedTask(task), Math.max(0, delay), unit));
        } catch (IllegalStateException stopped) {
            // Netty reports a stopped wheel this way; callers see the executor convention.
            throw new RejectedExecutionException("SIP timer is stopped", stopped);
        }
    }

    @Override
    public long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** Number of tasks scheduled and not yet run or cancelled (for metrics). */
    public long pendingTimers() {
        return wheel.pendingTimeouts();
    }

    /** Stops the worker thread; tasks not yet run are dropped. */
    @Override
    public void close() {
        int dropped = wheel.stop().size();
        if (dropped > 0) {
            LOG.debugf("SIP timer stopped with %d tasks not run", dropped);
        }
    }

    /** Keeps an exception of one task from being reported by Netty's own logger only. */
    private static final class GuardedTask implements TimerTask {
        private final Runnable task;

        GuardedTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void run(Timeout timeout) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "SIP timer task %s failed", task);
            }
        }
    }

    private record WheelHandle(Timeout timeout) implements TimerHandle {
        @Override
        public boolean cancel() {
            return timeout.cancel();
        }

        @Override
        public boolean isCancelled() {
            return timeout.isCancelled();
        }

        @Override
        public boolean isExpired() {
            return timeout.isExpired();
        }
    }
}
