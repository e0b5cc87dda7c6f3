package org.sipcity.stack.transport.netty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets one log line through per interval and counts the ones held back, so a flood (refused connections,
 * accept failures) cannot flood the log. Lock-free; safe from any thread.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final LongAdder suppressed = new LongAdder();

    public LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.nextAllowed = new AtomicLong(System.nanoTime());
    }

    /** True if the caller may log now; false (and counted) otherwise. */
    public boolean tryAcquire() {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        suppressed.increment();
        return false;
    }

    /** How many lines were held back since the last call; to be printed with the next line let through. */
    public long takeSuppressed() {
        return suppressed.sumThenReset();
    }
}
