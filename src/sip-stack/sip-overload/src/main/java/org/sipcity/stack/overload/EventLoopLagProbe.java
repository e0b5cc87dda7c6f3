package org.sipcity.stack.overload;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Measures how late each event loop runs its tasks: one task per loop, scheduled every {@code interval}, records
 * how much later than planned it ran. A loop busy with reading, framing and parsing (or blocked by mistake)
 * delays everything it serves, responses included, so its lag is an overload signal of its own.
 *
 * <p>Each loop's lag is judged over consecutive probes ({@link SustainedLag}): the smallest lateness of its last
 * {@code lateProbes} probes, a pending probe counting as the probes it holds up, so that one GC pause or one
 * descheduling of the process does not read as overload while a loop that stays behind, or is stuck, does.
 */
final class EventLoopLagProbe implements AutoCloseable {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLongArray dueAt;
    private final SustainedLag[] lags;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    EventLoopLagProbe(EventExecutorGroup loops, long intervalNanos, int lateProbes, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        List<EventExecutor> executors = new ArrayList<>();
        loops.forEach(executors::add);
        this.dueAt = new AtomicLongArray(executors.size());
        this.lags = new SustainedLag[executors.size()];
        for (int i = 0; i < executors.size(); i++) {
            lags[i] = new SustainedLag(lateProbes, intervalNanos);
            schedule(executors.get(i), i);
        }
    }

    private void schedule(EventExecutor loop, int index) {
        dueAt.set(index, nanoClock.getAsLong() + intervalNanos);
        if (loop.isShuttingDown()) {
            return;
        }
        ScheduledFuture<?> task = loop.schedule(() -> {
            lags[index].record(nanoClock.getAsLong() - dueAt.get(index));
            schedule(loop, index);
        }, intervalNanos, TimeUnit.NANOSECONDS);
        synchronized (tasks) {
            tasks.removeIf(ScheduledFuture::isDone);
            tasks.add(task);
        }
    }

    /** The largest sustained lag over all loops ({@link SustainedLag}). */
    long lagNanos() {
        long now = nanoClock.getAsLong();
        long max = 0;
        for (int i = 0; i < dueAt.length(); i++) {
            max = Math.max(max, lags[i].lagNanos(now - dueAt.get(i)));
        }
        return max;
    }

    @Override
    public void close() {
        synchronized (tasks) {
            tasks.forEach(task -> task.cancel(false));
            tasks.clear();
        }
    }
}
