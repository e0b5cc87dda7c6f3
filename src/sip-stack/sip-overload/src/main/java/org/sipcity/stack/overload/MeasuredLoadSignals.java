package org.sipcity.stack.overload;

import io.netty.util.concurrent.EventExecutorGroup;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import org.sipcity.stack.transport.DatagramDrops;
import org.sipcity.stack.transport.ReadSaturationMeter;

/**
 * The load signals of a running server: the worker queue as its owner reports it, event-loop lag measured by a
 * probe on every loop, heap occupancy after collection from the memory pools (0 once no collection has run for
 * {@link OverloadSettings#heapReadingMaxAge()}), the transports' read saturation over its window, and the kernel's
 * drops at the UDP sockets' receive queues.
 */
public final class MeasuredLoadSignals implements LoadSignals, AutoCloseable {

    private final WorkerQueueLoad workers;
    private final EventLoopLagProbe lag;
    private final HeapPressureGauge heap;
    private final ReadSaturationMeter reads;
    private final ReadSaturationWindow readWindow;
    private final ReadSaturationWindow busyWindow;
    private final DatagramDrops drops;
    /** {@code null} where the JVM has no JIT or does not time it. */
    private final CompilationMXBean compiler;
    private long[] saturatedNanos = new long[0];
    private long[] busyNanos = new long[0];

    /**
     * Starts the lag probes on every loop of {@code eventLoops}; {@link #close()} stops them. {@code reads} may be
     * {@code null} (transports that do not count their read batches): read saturation then reads 0.
     */
    public MeasuredLoadSignals(WorkerQueueLoad workers, EventExecutorGroup eventLoops, ReadSaturationMeter reads,
                               OverloadSettings settings) {
        this(workers, eventLoops, reads, null, settings);
    }

    /** The same, with the UDP sockets' kernel drops ({@code drops} may be {@code null}: they read 0). */
    public MeasuredLoadSignals(WorkerQueueLoad workers, EventExecutorGroup eventLoops, ReadSaturationMeter reads,
                               DatagramDrops drops, OverloadSettings settings) {
        this.drops = drops;
        this.workers = Objects.requireNonNull(workers, "workers");
        this.lag = new EventLoopLagProbe(eventLoops, settings.lagProbeInterval().toNanos(),
                settings.lagLateProbes(), System::nanoTime);
        this.heap = new HeapPressureGauge(settings);
        this.reads = reads;
        long window = settings.readSaturationWindow().toNanos();
        int samples = (int) Math.max(2, Math.min(1000, window / settings.evaluationInterval().toNanos()));
        this.readWindow = new ReadSaturationWindow(window, samples);
        this.busyWindow = new ReadSaturationWindow(window, samples);
        CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        this.compiler = bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
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
    public long completedTasks() {
        return workers.completedTasks();
    }

    @Override
    public long eventLoopTasks() {
        return workers.eventLoopTasks();
    }

    @Override
    public long eventLoopLagNanos() {
        return lag.lagNanos();
    }

    @Override
    public double heapOccupancyAfterGc() {
        return heap.occupancyAfterGc();
    }

    /** Called once per evaluation, by the valve's evaluation thread only. */
    @Override
    public double readSaturation() {
        if (reads == null) {
            return 0;
        }
        long now = reads.nanoTime();
        List<ReadSaturationMeter.LoopReads> loops = reads.loops();
        int count = loops.size();
        if (saturatedNanos.length < count) {
            saturatedNanos = new long[count];
        }
        for (int i = 0; i < count; i++) {
            saturatedNanos[i] = loops.get(i).saturatedNanos();
        }
        return readWindow.update(now, saturatedNanos, count);
    }

    /** Called once per evaluation, by the valve's evaluation thread only. */
    @Override
    public double readBusy() {
        if (reads == null) {
            return 0;
        }
        long now = reads.nanoTime();
        List<ReadSaturationMeter.LoopReads> loops = reads.loops();
        int count = loops.size();
        if (busyNanos.length < count) {
            busyNanos = new long[count];
        }
        for (int i = 0; i < count; i++) {
            busyNanos[i] = loops.get(i).busyNanos();
        }
        return busyWindow.update(now, busyNanos, count);
    }

    /** Reads the kernel's UDP tables: called once per evaluation, by the valve's evaluation thread only. */
    @Override
    public long datagramDrops() {
        return drops == null ? 0 : drops.drops();
    }

    /** As the kernel's UDP tables read at the last {@link #datagramDrops()}: no second read. */
    @Override
    public long datagramQueueBytes() {
        return drops == null ? 0 : drops.queuedBytes();
    }

    /** HotSpot's accumulated compilation time (milliseconds, summed over its compiler threads). */
    @Override
    public long compilationNanos() {
        return compiler == null ? -1 : compiler.getTotalCompilationTime() * 1_000_000L;
    }

    @Override
    public void close() {
        lag.close();
    }
}
