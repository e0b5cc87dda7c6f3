package org.sipcity.it.smoke;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

/** One counter per deployment: CDI's application scope, shared by every request and every injection point. */
@ApplicationScoped
public class HitCounter {

    private final AtomicLong hits = new AtomicLong();

    /** Counts one hit and returns the total so far. */
    public long hit() {
        return hits.incrementAndGet();
    }

    /** The total so far. */
    public long hits() {
        return hits.get();
    }
}
