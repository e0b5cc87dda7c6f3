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
    private volatile long oldestWaitNanos;
    private volatile int queueDepth;
    private volatile long eventLoopLagNanos;
    private volatile double heapOccupancy;
    private volatile double readSaturation;
    private volatile double readBusy;
    private volatile double newWorkLoss;
    private volatile double refreshLoss;

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

    void transition(OverloadState to) {
        transitions.increment();
        state = to;
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

    /** Fraction of new work being shed, 0.0-1.0. */
    public double newWorkLoss() {
        return newWorkLoss;
    }

    /** Fraction of REGISTER refreshes being shed, 0.0-1.0 (above 0 only once all new work is shed). */
    public double refreshLoss() {
        return refreshLoss;
    }
}
