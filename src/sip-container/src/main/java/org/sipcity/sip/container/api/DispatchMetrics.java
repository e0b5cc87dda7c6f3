package org.sipcity.sip.container.api;

import org.sipcity.stack.overload.WorkerQueueLoad;

/**
 * The queue between the event loops and the servlet workers, as the overload valve sees it: it is the valve's
 * {@link WorkerQueueLoad} (hand {@code container.metrics()} to a {@code SojournTimeValve}). Every figure is a
 * snapshot, cheap to read from any thread.
 */
public interface DispatchMetrics extends WorkerQueueLoad {

    /** Tasks admitted and not yet started: the queue depth. */
    int queuedTasks();

    /** How long the oldest task not yet started has waited, in milliseconds; 0 when none waits. */
    long oldestTaskWaitMillis();

    /** Tasks running on a worker now. */
    int activeWorkers();

    /** The queue depth at which new initial requests are refused with 503. */
    int queueCapacity();

    /** Initial requests refused with 503 + Retry-After because the queue was full, since start. */
    long rejectedInitialRequests();

    /** Messages that were neither initial requests nor admitted (the hard limit was reached), since start. */
    long rejectedSubsequentMessages();

    /**
     * Tasks run on the event loop that read their message (applications declared inline), since start; part of
     * {@link #completedTasks()}.
     */
    @Override
    long eventLoopTasks();

    /** Of {@link #eventLoopTasks()}, those that held their loop for the slow-task threshold or longer. */
    long slowEventLoopTasks();

    /** Tasks finished on workers and on event loops, since start: what the valve's rate admission takes the served rate from. */
    @Override
    long completedTasks();

    /** The valve's name for {@link #queuedTasks()}. */
    @Override
    default int depth() {
        return queuedTasks();
    }
}
