package org.sipcity.sip.container.core;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.api.DispatchMetrics;
import org.sipcity.sip.container.api.SipContainerConfig;

/**
 * The bounded worker pool servlet code runs on (it may block: JPA, JDBC, DNS), never an event loop.
 *
 * <p>Admission is counted, not left to the executor's queue: the tasks waiting behind a busy application session sit
 * in its {@link SerialQueue}, not in the executor, so the bound must cover both. A task is admitted when it is
 * queued and leaves the count when a worker starts it. Two limits apply:
 * <ul>
 *   <li>{@code capacity}: initial requests beyond it are refused (the caller answers 503 + Retry-After from the
 *       event loop, RFC 3261 §21.5.4) — new work is what an overloaded server sheds first;</li>
 *   <li>{@code 2 × capacity}: the hard limit for everything else (responses, in-dialog requests, timers), which
 *       belongs to work already accepted and is only dropped when even that headroom is gone.</li>
 * </ul>
 *
 * <p>The age of the oldest waiting task is kept exactly: each admitted task takes a ticket in a skip list ordered by
 * admission; a worker removes the ticket when it starts the task. Two O(log n) operations per message buy a figure
 * the overload valve can trust (queue depth alone hides a stalled pool).
 */
public final class WorkerPool implements DispatchMetrics, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    private final ThreadPoolExecutor executor;
    private final int capacity;
    private final int hardLimit;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong tickets = new AtomicLong();
    /** ticket → admission time (nanoTime) of every task admitted and not yet started. */
    private final ConcurrentSkipListMap<Long, Long> waiting = new ConcurrentSkipListMap<>();
    private final LongAdder rejectedInitial = new LongAdder();
    private final LongAdder rejectedOther = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final InlineRunner inline;

    /**
     * @param threads  worker threads (fixed)
     * @param capacity queue depth at which new initial requests are refused
     * @param name     prefix of the thread names
     */
    public WorkerPool(int threads, int capacity, String name) {
        this(threads, capacity, name, new InlineRunner(SipContainerConfig.DEFAULT_SLOW_INLINE_TASK_MILLIS));
    }

    /** The same, with the runner of inline applications' tasks whose figures this pool reports beside its own. */
    public WorkerPool(int threads, int capacity, String name, InlineRunner inline) {
        this.inline = inline;
        if (threads < 1 || capacity < 1) {
            throw new IllegalArgumentException("threads and capacity must be positive: " + threads + ", " + capacity);
        }
        this.capacity = capacity;
        this.hardLimit = capacity > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : capacity * 2;
        // Unbounded executor queue on purpose: admission above bounds what enters it.
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new WorkerThreads(name));
    }

    /** A task admitted into the pool, holding its ticket until a worker starts it. */
    final class Admitted {
        /** Boxed once, at admission: the skip list's key, removed by the same object. */
        private final Long ticket;
        private final Runnable work;

        private Admitted(Long ticket, Runnable work) {
            this.ticket = ticket;
            this.work = work;
        }

        /** Runs the work on the calling worker; the ticket is returned first so waiting time ends here. */
        void run() {
            waiting.remove(ticket);
            queued.decrementAndGet();
            try {
                work.run();
            } catch (Throwable t) {
                LOG.errorf(t, "A SIP task failed outside the servlet error handling");
            } finally {
                completed.increment();
            }
        }

        /** Gives the ticket back without running (the pool is shutting down). */
        void discard() {
            if (waiting.remove(ticket) != null) {
                queued.decrementAndGet();
            }
        }
    }

    /**
     * Admits {@code work} if the limit for its kind allows.
     *
     * @return the admitted task, or {@code null} when refused (the caller answers 503 or drops the message)
     */
    Admitted admit(Runnable work, boolean initialRequest) {
        int limit = initialRequest ? capacity : hardLimit;
        int depth;
        do {
            depth = queued.get();
            if (depth >= limit) {
                (initialRequest ? rejectedInitial : rejectedOther).increment();
                return null;
            }
        } while (!queued.compareAndSet(depth, depth + 1));
        Long ticket = tickets.incrementAndGet();
        waiting.put(ticket, System.nanoTime());
        return new Admitted(ticket, work);
    }

    /** Hands a runner to a worker thread. */
    void execute(Runnable runner) {
        executor.execute(runner);
    }

    @Override
    public int queuedTasks() {
        return queued.get();
    }

    @Override
    public long oldestTaskWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(oldestWaitNanos());
    }

    /** Exact: the admission time of the oldest ticket still waiting (a peek at the skip list's head). */
    @Override
    public long oldestWaitNanos() {
        Map.Entry<Long, Long> oldest = waiting.firstEntry();
        return oldest == null ? 0 : Math.max(0, System.nanoTime() - oldest.getValue());
    }

    @Override
    public int activeWorkers() {
        return executor.getActiveCount();
    }

    @Override
    public int queueCapacity() {
        return capacity;
    }

    @Override
    public long rejectedInitialRequests() {
        return rejectedInitial.sum();
    }

    @Override
    public long rejectedSubsequentMessages() {
        return rejectedOther.sum();
    }

    /** Worker and inline tasks: the rate the server served, whichever thread served it. */
    @Override
    public long completedTasks() {
        return completed.sum() + inline.completed();
    }

    @Override
    public long eventLoopTasks() {
        return inline.completed();
    }

    @Override
    public long slowEventLoopTasks() {
        return inline.slow();
    }

    /** Runs the tasks of inline applications on event loops. */
    public InlineRunner inline() {
        return inline;
    }

    /** Stops taking work, lets running tasks finish for up to {@code seconds}, then interrupts them. */
    public void shutdown(long seconds) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(seconds, TimeUnit.SECONDS)) {
                LOG.warnf("SIP workers still busy after %d s; interrupting them", seconds);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(5);
    }

    private static final class WorkerThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        WorkerThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
