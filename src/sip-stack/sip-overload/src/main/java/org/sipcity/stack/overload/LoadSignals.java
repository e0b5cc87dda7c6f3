package org.sipcity.stack.overload;

/**
 * What the server suffers right now, read by the valve's controller on each evaluation (every
 * {@link OverloadSettings#evaluationInterval()}, never per message). Implementations answer from values they keep
 * up to date themselves; every method is cheap, thread-safe and non-blocking.
 */
public interface LoadSignals {

    /** How long the oldest task waiting in the worker queue has waited, in nanoseconds (0 when none waits). */
    long oldestWaitNanos();

    /** Tasks waiting in the worker queue. */
    int queueDepth();

    /** The largest recent scheduling delay of an event loop, in nanoseconds. */
    long eventLoopLagNanos();

    /**
     * Heap occupancy after the last garbage collection, 0.0-1.0 (live data, not garbage awaiting collection); 0 when
     * that collection is too old to tell anything (an idle server does not collect).
     */
    double heapOccupancyAfterGc();

    /**
     * The largest share of recent wall time an event loop spent in read batches cut off with data still waiting in
     * the socket, 0.0-1.0 ({@link ReadSaturationWindow}); 0 for an embedding layer that does not measure it.
     */
    default double readSaturation() {
        return 0;
    }

    /**
     * The largest share of recent wall time an event loop spent in read batches of any kind, 0.0-1.0: not a signal of
     * the controller (a loop may be busy and keep up), a figure to judge {@link #readSaturation()} against; 0 for an
     * embedding layer that does not measure it.
     */
    default double readBusy() {
        return 0;
    }

    /**
     * Datagrams the kernel has dropped at the full receive queues of the server's UDP sockets, cumulative (the
     * controller takes the difference between evaluations); 0 for an embedding layer that does not read them.
     * Read from the sockets' own counters ({@link org.sipcity.stack.transport.DatagramDrops}), never counted per
     * packet.
     */
    default long datagramDrops() {
        return 0;
    }

    /**
     * Bytes waiting in the receive queues of the server's UDP sockets now (as the kernel charges them), as of the
     * last {@link #datagramDrops()}; 0 for an embedding layer that does not read them. A figure for the operator:
     * the loops' backlog over UDP before the queue is full and drops begin; a signal too where the standing-queue
     * marks are set ({@link OverloadSettings#datagramQueueHigh()}, off by default).
     */
    default long datagramQueueBytes() {
        return 0;
    }

    /**
     * Tasks the workers have finished, cumulative (the controller takes the difference between evaluations): what the
     * server served, the reference of rate admission; negative for an embedding layer that does not count them (the
     * rate admitted at the valve stands in).
     */
    default long completedTasks() {
        return -1;
    }

    /**
     * Tasks of the application run on the event loops themselves, cumulative (the controller takes the difference
     * between evaluations); 0 for an embedding layer that runs none there. While there are any, the loops' lag is
     * the wait of that work.
     */
    default long eventLoopTasks() {
        return 0;
    }

    /**
     * Wall time the JIT compilers have spent compiling, cumulative, in nanoseconds (the controller takes the
     * difference over its window); negative for an embedding layer that does not measure it. Compiler threads share
     * the cores with the event loops, so while they run, a loop can be late for reasons shedding does not relieve.
     */
    default long compilationNanos() {
        return -1;
    }
}
