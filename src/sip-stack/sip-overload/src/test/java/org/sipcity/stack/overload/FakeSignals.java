package org.sipcity.stack.overload;

/** Load signals a test sets directly (zero until set; a test may override one to compute it). */
class FakeSignals implements LoadSignals {

    volatile long oldestWaitNanos;
    volatile int queueDepth;
    volatile long lagNanos;
    volatile double heap;
    volatile double readSaturation;
    volatile double readBusy;
    volatile long datagramDrops;
    volatile long datagramQueueBytes;
    /** Worker completions, cumulative; negative: not reported (the valve then takes the admitted rate). */
    volatile long completedTasks = -1;
    /** Of those, tasks run on the event loops (inline applications), cumulative. */
    volatile long eventLoopTasks;
    /** The JIT compilers' wall time, cumulative; negative: not timed. */
    volatile long compilationNanos = -1;

    FakeSignals waitMillis(long millis) {
        oldestWaitNanos = millis * 1_000_000L;
        return this;
    }

    @Override
    public long oldestWaitNanos() {
        return oldestWaitNanos;
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public long eventLoopLagNanos() {
        return lagNanos;
    }

    @Override
    public double heapOccupancyAfterGc() {
        return heap;
    }

    @Override
    public double readSaturation() {
        return readSaturation;
    }

    @Override
    public double readBusy() {
        return readBusy;
    }

    @Override
    public long datagramDrops() {
        return datagramDrops;
    }

    @Override
    public long datagramQueueBytes() {
        return datagramQueueBytes;
    }

    @Override
    public long completedTasks() {
        return completedTasks;
    }

    @Override
    public long eventLoopTasks() {
        return eventLoopTasks;
    }

    @Override
    public long compilationNanos() {
        return compilationNanos;
    }
}
