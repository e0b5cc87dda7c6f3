package org.sipcity.stack.overload;

import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Objects;

/**
 * The load signals of a running server: the worker queue as its owner reports it, event-loop lag measured by a
 * probe on every loop, and heap occupancy after collection from the memory pools (0 once no collection has run for
 * {@link OverloadSettings#heapReadingMaxAge()}).
 */
public final class MeasuredLoadSignals implements LoadSignals, AutoCloseable {

    private final WorkerQueueLoad workers;
    private final EventLoopLagProbe lag;
    private final HeapPressureGauge heap;

    /** Starts the lag probes on every loop of {@code eventLoops}; {@link #close()} stops them. */
    public MeasuredLoadSignals(WorkerQueueLoad workers, EventExecutorGroup eventLoops, OverloadSettings settings) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.lag = new EventLoopLagProbe(eventLoops, settings.lagProbeInterval().toNanos(),
                settings.lagLateProbes(), System::nanoTime);
        this.heap = new HeapPressureGauge(settings);
    }

    @Override
    public long oldestWaitNanos() {
        return workers.oldestWaitNanos();
    }

    @Override
    public int queueDepth() {
        return workers.depth();
    }

    @Override
    public long eventLoopLagNanos() {
        return lag.lagNanos();
    }

    @Override
    public double heapOccupancyAfterGc() {
        return heap.occupancyAfterGc();
    }

    @Override
    public void close() {
        lag.close();
    }
}
