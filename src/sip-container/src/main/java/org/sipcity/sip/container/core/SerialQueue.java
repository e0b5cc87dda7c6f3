package org.sipcity.sip.container.core;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the tasks of one application session one at a time, in the order they were admitted, on the shared
 * {@link WorkerPool} (JSR 289 §6.4.1 lets the container serialize the messages of an application session; doing so
 * spares applications their own locking). A queue holds no thread: while it has tasks, one runner for it sits in the
 * pool; the runner does one task and, if more wait, puts itself back at the end of the pool's queue, so a busy session
 * cannot starve the others.
 */
public final class SerialQueue {

    private final WorkerPool pool;
    private final ArrayDeque<WorkerPool.Admitted> tasks = new ArrayDeque<>(4);
    private final Runnable runner = this::runOne;
    /** A runner is in the pool or running; guarded by {@code this}. */
    private boolean scheduled;

    public SerialQueue(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Queues {@code work} behind this session's earlier tasks.
     *
     * @param initialRequest whether it is a new initial request (refused first under overload)
     * @return false if the pool refused it: the caller answers 503 or drops the message
     */
    public boolean submit(Runnable work, boolean initialRequest) {
        WorkerPool.Admitted task = pool.admit(work, initialRequest);
        if (task == null) {
            return false;
        }
        boolean start;
        synchronized (this) {
            tasks.addLast(task);
            start = !scheduled;
            scheduled = true;
        }
        if (start) {
            schedule();
        }
        return true;
    }

    private void schedule() {
        try {
            pool.execute(runner);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: what waits here will never run.
            synchronized (this) {
                tasks.forEach(WorkerPool.Admitted::discard);
                tasks.clear();
                scheduled = false;
            }
        }
    }

    private void runOne() {
        WorkerPool.Admitted task;
        synchronized (this) {
            task = tasks.pollFirst();
        }
        if (task != null) {
            task.run();
        }
        boolean more;
        synchronized (this) {
            more = !tasks.isEmpty();
            scheduled = more;
        }
        if (more) {
            schedule();
        }
    }

    /** Tasks waiting here (not the one running). */
    public synchronized int pending() {
        return tasks.size();
    }
}
