package org.sipcity.sip.container.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Runs the tasks of applications declared {@code inline} on the event loop that read their message, and watches
 * them: a task that takes longer than the threshold holds up every connection of that loop, so it is counted and
 * logged with the application's name and its time (at most one warning per {@link #WARNING_INTERVAL_NANOS}, with the
 * number of slow tasks since the last one), the way Vert.x reports a blocked event loop. An operator who sees it has
 * an application declared inline that blocks: its declaration must go.
 */
public final class InlineRunner {

    private static final Logger LOG = Logger.getLogger(InlineRunner.class);
    /** At most one warning per 10 s: a blocking application would otherwise log per message. */
    static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long slowNanos;
    private final LongSupplier clock;
    private final LongAdder completed = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final AtomicLong nextWarning;
    private final LongAdder slowSinceWarning = new LongAdder();
    private final LongAdder warnings = new LongAdder();

    /** @param slowMillis a task at least this long is slow */
    public InlineRunner(long slowMillis) {
        this(slowMillis, System::nanoTime);
    }

    InlineRunner(long slowMillis, LongSupplier clock) {
        if (slowMillis < 1) {
            throw new IllegalArgumentException("the slow-task threshold must be at least 1 ms: " + slowMillis);
        }
        this.slowNanos = TimeUnit.MILLISECONDS.toNanos(slowMillis);
        this.clock = clock;
        this.nextWarning = new AtomicLong(clock.getAsLong());
    }

    /** Runs {@code work} of {@code application} now, on the calling event loop; what it throws is logged, not passed on. */
    void run(Runnable work, String application) {
        long start = clock.getAsLong();
        try {
            work.run();
        } catch (Throwable t) {
            LOG.errorf(t, "A SIP task of application %s failed on the event loop outside the servlet error handling", application);
        } finally {
            completed.increment();
            long took = clock.getAsLong() - start;
            if (took >= slowNanos) {
                slow(application, took, start + took);
            }
        }
    }

    private void slow(String application, long took, long now) {
        slow.increment();
        slowSinceWarning.increment();
        long due = nextWarning.get();
        if (now - due >= 0 && nextWarning.compareAndSet(due, now + WARNING_INTERVAL_NANOS)) {
            long count = slowSinceWarning.sumThenReset();
            warnings.increment();
            LOG.warnf("SIP application %s is declared inline (context-param org.sipcity.sip.dispatch) but a task of it held"
                            + " an event loop for %d ms (%d task(s) of %d ms or more since the last warning): every connection"
                            + " of that loop waited. If it blocks (JDBC, DNS, locks), remove the declaration",
                    application, TimeUnit.NANOSECONDS.toMillis(took), count, TimeUnit.NANOSECONDS.toMillis(slowNanos));
        }
    }

    /** Tasks run on event loops, since start. */
    public long completed() {
        return completed.sum();
    }

    /** Of those, tasks that took the threshold or longer. */
    public long slow() {
        return slow.sum();
    }

    /** Warnings logged (rate-limited). */
    long warnings() {
        return warnings.sum();
    }
}
