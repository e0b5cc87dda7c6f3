package org.sipcity.stack.overload;

/**
 * The rate of a cumulative count (requests served, admitted, arrived), fed once per evaluation (single-threaded): the
 * larger of its average over the whole ring ({@code samples} evaluations, one window) and over its last {@code recent}
 * evaluations, so that a load that has just begun (the window still holding the quiet before it) is not taken for a
 * lower one. Before the first sample, and for a count that goes backwards, 0.
 */
final class CountRate {

    private final long[] counts;
    private final long[] times;
    private final int recent;
    private int next;
    private int filled;
    private double rate;

    CountRate(int samples, int recent) {
        if (samples < 2 || recent < 1) {
            throw new IllegalArgumentException("need at least two samples and one recent: " + samples + ", " + recent);
        }
        this.counts = new long[samples];
        this.times = new long[samples];
        this.recent = Math.min(recent, samples);
    }

    /** Adds the cumulative {@code count} at {@code nowNanos} and returns the rate per second. */
    double update(long nowNanos, long count) {
        double measured = 0;
        if (filled > 0) {
            int oldest = filled < counts.length ? 0 : next;
            measured = rateSince(oldest, nowNanos, count);
            int latest = Math.floorMod(next - Math.min(recent, filled), counts.length);
            measured = Math.max(measured, rateSince(latest, nowNanos, count));
        }
        counts[next] = count;
        times[next] = nowNanos;
        next = (next + 1) % counts.length;
        filled = Math.min(counts.length, filled + 1);
        rate = measured;
        return measured;
    }

    /** The rate of the last {@link #update}, per second. */
    double rate() {
        return rate;
    }

    private double rateSince(int sample, long nowNanos, long count) {
        long span = nowNanos - times[sample];
        return span <= 0 ? 0 : Math.max(0, count - counts[sample]) * 1e9 / span;
    }
}
