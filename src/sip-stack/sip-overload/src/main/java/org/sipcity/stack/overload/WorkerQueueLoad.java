package org.sipcity.stack.overload;

/**
 * The load of the bounded queue in front of the workers that run application code, as its owner (the servlet
 * container) reports it. The valve reads it from a timer thread: both methods must be thread-safe and cheap
 * (a volatile read, a peek at the queue head), never blocking.
 */
public interface WorkerQueueLoad {

    /** No worker queue (a stack used without one): never loaded. */
    WorkerQueueLoad NONE = new WorkerQueueLoad() {
        @Override
        public long oldestWaitNanos() {
            return 0;
        }

        @Override
        public int depth() {
            return 0;
        }
    };

    /**
     * The sojourn time so far of the oldest waiting task, in nanoseconds of {@link System#nanoTime()}; 0 when the
     * queue is empty. Waiting time, not length, is what tells overload (a long queue of quick tasks is fine).
     */
    long oldestWaitNanos();

    /** Tasks waiting. */
    int depth();

    /**
     * Tasks the workers have finished since start (a cumulative counter, cheap to read); negative when the owner does
     * not count them. Rate admission takes the rate the server served from it.
     */
    default long completedTasks() {
        return -1;
    }

    /**
     * Of {@link #completedTasks()}, the tasks the owner ran on the event loop that read their message (an application
     * that never blocks, run to completion there), cumulative; 0 when it runs none. Such work waits in the sockets, not
     * in this queue: the loops' lag is its sojourn time.
     */
    default long eventLoopTasks() {
        return 0;
    }
}
