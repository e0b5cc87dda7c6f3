package org.sipcity.sip.container.core;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the tasks of one application session one at a time, in the order they were admitted, on the shared
 * {@link WorkerPool} (JSR 289 §6.4.1 lets the container serialize the messages of an application session; doing so
 * spares applications their own locking). A queue holds no thread: while it has tasks, one runner for it sits in the
 * pool; the runner does one task and, if more wait, puts itself back at the end of the pool's queue, so a busy session
 * cannot starve the others.
 *
 * <p>The queue of an application declared {@code inline} ({@link org.sipcity.sip.container.api.DispatchMode}) runs a
 * task an event loop hands it on that event loop, at once, when the queue is idle: no worker is woken and the answer
 * is written by the thread that read the request. When the queue is busy (a task running inline on another loop, or
 * on a worker: a servlet timer, a locally made response), the task waits its turn behind them and runs on a worker, so
 * two tasks of one session never run at once and never out of order (JSR 289 §6.4.1).
 */
public final class SerialQueue {

    /** The queue whose task runs inline on this event loop, so that a task that must wait can go on behind itself. */
    private static final FastThreadLocal<SerialQueue> RUNNING_INLINE = new FastThreadLocal<>();

    private final WorkerPool pool;
    /** For an inline application: its runner and name; null for a worker application. */
    private final InlineRunner inline;
    private final String application;
    private final ArrayDeque<WorkerPool.Admitted> tasks = new ArrayDeque<>(4);
    private final Runnable runner = this::runOne;
    /** A runner is in the pool or running; guarded by {@code this}. */
    private boolean scheduled;

    /** A queue whose tasks all run on workers. */
    public SerialQueue(WorkerPool pool) {
        this(pool, null, null);
    }

    /**
     * @param inline      the runner of inline tasks, or null when {@code application} may block (all on workers)
     * @param application the application's name, for the slow-task warning
     */
    public SerialQueue(WorkerPool pool, InlineRunner inline, String application) {
        this.pool = pool;
        this.inline = inline;
        this.application = application;
    }

    /** Whether an idle queue runs what an event loop hands it on that loop. */
    public boolean runsInline() {
        return inline != null;
    }

    /**
     * Called on an event loop: for an inline application whose queue is idle, runs {@code work} now on this thread;
     * otherwise as {@link #submit}. Tasks that arrive while it runs go to a worker after it.
     *
     * @return false if the pool refused it: the caller answers 503 or drops the message
     */
    public boolean submitFromEventLoop(Runnable work, boolean initialRequest) {
        if (inline == null) {
            return submit(work, initialRequest);
        }
        boolean idle;
        synchronized (this) {
            idle = !scheduled;
            scheduled = true;
        }
        if (!idle) {
            return submit(work, initialRequest);   // behind the running task; on a worker
        }
        RUNNING_INLINE.set(this);
        try {
            inline.run(work, application);
        } finally {
            RUNNING_INLINE.remove();
        }
        boolean more;
        synchronized (this) {
            more = !tasks.isEmpty();
            scheduled = more;
        }
        if (more) {
            schedule();
        }
        return true;
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

    /**
     * The queue whose task this thread runs inline on its event loop, or null (a worker, or no inline task). What such
     * a task would have to wait for (a new connection) it queues here instead, behind itself and before any later
     * message of its session ({@code RequestSender}).
     */
    public static SerialQueue runningInline() {
        return RUNNING_INLINE.getIfExists();
    }

    /** Tasks waiting here (not the one running). */
    public synchronized int pending() {
        return tasks.size();
    }
}
