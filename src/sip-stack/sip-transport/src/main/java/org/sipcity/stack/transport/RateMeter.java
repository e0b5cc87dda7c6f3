package org.sipcity.stack.transport;

import java.util.function.LongSupplier;

/**
 * A per-second rate of a monotonic counter over a sliding window, for operators reading figures in the console or
 * the CLI (Prometheus computes its own rates from the counters). One sample a second is taken by the connector's
 * periodic task; reading costs two array reads. Before the window has filled, the rate is taken over the seconds
 * sampled so far.
 *
 * <p>Sampling runs on one thread at a time (one event loop); reads may come from any thread and see a rate at most
 * one sample old.
 */
public final class RateMeter {

    /** Seconds averaged over: long enough to smooth bursts, short enough to follow a change within a glance. */
    public static final int WINDOW_SECONDS = 10;

    private final LongSupplier counter;
    private final long[] samples = new long[WINDOW_SECONDS + 1];
    private int taken;
    private volatile long perSecond;

    public RateMeter(LongSupplier counter) {
        this.counter = counter;
    }

    /** Takes one sample; called once a second. */
    public void sample() {
        long now = counter.getAsLong();
        int slot = taken % samples.length;
        samples[slot] = now;
        taken++;
        int span = Math.min(taken - 1, WINDOW_SECONDS);
        if (span == 0) {
            perSecond = 0;
            return;
        }
        long oldest = samples[Math.floorMod(taken - 1 - span, samples.length)];
        perSecond = Math.round((double) Math.max(0, now - oldest) / span);
    }

    /** Events a second over the last {@value #WINDOW_SECONDS} seconds (fewer right after start), rounded. */
    public long perSecond() {
        return perSecond;
    }
}
