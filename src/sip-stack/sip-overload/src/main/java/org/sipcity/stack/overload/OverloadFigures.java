package org.sipcity.stack.overload;

import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of a {@link SojournTimeValve} for the management model: counters summed from every event loop
 * without contention, and the load last sampled by the controller.
 */
public final class OverloadFigures {

    private final LongAdder[] admitted = adders();
    private final LongAdder[] shed = adders();
    private final LongAdder admittedUnsorted = new LongAdder();
    private final LongAdder rejectionsSent = new LongAdder();
    private final LongAdder transitions = new LongAdder();
    private volatile OverloadState state = OverloadState.NORMAL;
    private volatile OverloadSignal cause;
    private volatile long oldestWaitNanos;
    private volatile int queueDepth;
    private volatile long eventLoopLagNanos;
    private volatile double heapOccupancy;
    private volatile double readSaturation;
    private volatile double readBusy;
    private volatile double newWorkLoss;
    private volatile long datagramDrops;
    private volatile long datagramQueueBytes;
    private volatile double datagramDropShare;
    private volatile double admissionRate;
    private volatile double refreshLoss;
    private volatile double compiling = -1;

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[TrafficClass.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    void countAdmitted(TrafficClass trafficClass) {
        admitted[trafficClass.ordinal()].increment();
    }

    void countAdmittedUnsorted() {
        admittedUnsorted.increment();
    }

    void countShed(TrafficClass trafficClass) {
        shed[trafficClass.ordinal()].increment();
    }

    void countRejectionSent() {
        rejectionsSent.increment();
    }

    void overloadBegan(OverloadSignal signal) {
        cause = signal;
        transitions.increment();
        state = OverloadState.OVERLOADED;
    }

    void overloadEnded() {
        transitions.increment();
        state = OverloadState.NORMAL;
    }

    void sampled(LoadSignals signals, long oldestWait, long lag, double heap, double reads, double busy, double newLoss,
                 double refreshedLoss) {
        this.readSaturation = reads;
        this.readBusy = busy;
        this.oldestWaitNanos = oldestWait;
        this.queueDepth = signals.queueDepth();
        this.eventLoopLagNanos = lag;
        this.heapOccupancy = heap;
        this.newWorkLoss = newLoss;
        this.refreshLoss = refreshedLoss;
    }

    void sampledDrops(long drops, double share, double rate) {
        this.datagramDrops = drops;
        this.datagramDropShare = share;
        this.admissionRate = rate;
    }

    void sampledDatagramQueue(long bytes) {
        this.datagramQueueBytes = bytes;
    }

    void sampledCompilation(double share) {
        this.compiling = share;
    }

    /** Every message the valve has judged (admitted or shed, every class and transport). */
    long inspected() {
        long sum = admittedUnsorted.sum();
        for (int i = 0; i < admitted.length; i++) {
            sum += admitted[i].sum() + shed[i].sum();
        }
        return sum;
    }

    /** New work and REGISTER refreshes admitted (with the requests admitted unsorted while nothing was shed). */
    long admittedSheddable() {
        return admittedUnsorted.sum() + admitted[TrafficClass.NEW_WORK.ordinal()].sum()
                + admitted[TrafficClass.REGISTER_REFRESH.ordinal()].sum();
    }

    /** New work and REGISTER refreshes shed. */
    long shedSheddable() {
        return shed[TrafficClass.NEW_WORK.ordinal()].sum() + shed[TrafficClass.REGISTER_REFRESH.ordinal()].sum();
    }

    public OverloadState state() {
        return state;
    }

    /**
     * Messages of {@code trafficClass} let in. While nothing is shed, requests are sorted by their first line
     * only (no head scan): those not in-dialog by method are counted in {@link #admittedUnsorted()} instead.
     */
    public long admitted(TrafficClass trafficClass) {
        return admitted[trafficClass.ordinal()].sum();
    }

    /** Requests let in while nothing was shed, without a head scan to sort them (any class but responses and
     *  ACK/BYE/CANCEL/PRACK). */
    public long admittedUnsorted() {
        return admittedUnsorted.sum();
    }

    /** Messages of {@code trafficClass} shed (answered 503 or dropped). */
    public long shed(TrafficClass trafficClass) {
        return shed[trafficClass.ordinal()].sum();
    }

    /** Stateless 503s written. */
    public long rejectionsSent() {
        return rejectionsSent.sum();
    }

    /**
     * The signal that began the last overload (the one furthest past its high mark then), kept after it ends;
     * {@code null} before the first.
     */
    public OverloadSignal cause() {
        return cause;
    }

    /** Changes of state, both ways. */
    public long transitions() {
        return transitions.sum();
    }

    /** Sojourn time of the oldest waiting worker task at the last evaluation, in milliseconds. */
    public double oldestWaitMillis() {
        return oldestWaitNanos / 1e6;
    }

    public int queueDepth() {
        return queueDepth;
    }

    /** Largest event-loop lag at the last evaluation, in milliseconds. */
    public double eventLoopLagMillis() {
        return eventLoopLagNanos / 1e6;
    }

    public double heapOccupancyAfterGc() {
        return heapOccupancy;
    }

    /**
     * Share of the last read-saturation window that the most loaded event loop spent in read batches cut off with
     * data still waiting in the socket, 0.0-1.0, at the last evaluation.
     */
    public double readSaturation() {
        return readSaturation;
    }

    /**
     * Share of the last read-saturation window that the busiest event loop spent in read batches of any kind, 0.0-1.0,
     * at the last evaluation (a figure, not a signal: a busy loop may keep up).
     */
    public double readBusy() {
        return readBusy;
    }

    /**
     * Wall time the JIT compilers spent compiling over the last read-saturation window, as a share of it, at the last
     * evaluation (above 1.0 when compiler threads ran side by side); negative where compilation is not timed. The
     * valve forgives the event loops that much lag: while the JIT warms up, a late loop is not taken for overload.
     */
    public double compiling() {
        return compiling;
    }

    /**
     * Datagrams the kernel dropped at the full receive queues of the server's UDP sockets since they were bound, at
     * the last evaluation (closed sockets included).
     */
    public long datagramDrops() {
        return datagramDrops;
    }

    /** Bytes waiting in the UDP sockets' receive queues at the last evaluation. */
    public long datagramQueueBytes() {
        return datagramQueueBytes;
    }

    /**
     * Share of the datagrams that arrived over the last drop window that the kernel dropped (dropped against dropped
     * plus the messages the valve judged), 0.0-1.0, at the last evaluation.
     */
    public double datagramDropShare() {
        return datagramDropShare;
    }

    /**
     * With rate admission while overloaded: the rate new work and REGISTER refreshes are admitted at, per second;
     * 0 when not limiting (normal state, or loss admission).
     */
    public double admissionRate() {
        return admissionRate;
    }

    /** Fraction of new work being shed, 0.0-1.0. */
    public double newWorkLoss() {
        return newWorkLoss;
    }

    /** Fraction of REGISTER refreshes being shed, 0.0-1.0 (above 0 only once all new work is shed). */
    public double refreshLoss() {
        return refreshLoss;
    }
}
