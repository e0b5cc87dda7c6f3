package org.sipcity.stack.overload;

/**
 * The share of the datagrams arriving over the last {@code window} of wall time that the kernel dropped: fed, once
 * per evaluation (single-threaded), the cumulative drops of the UDP sockets and the cumulative count of messages the
 * valve judged, it answers {@code drops / (drops + judged)} between the oldest sample within the window and now.
 * Until a whole window has been seen, the share is taken over what has been.
 */
final class DropShareWindow {

    private final long windowNanos;
    private final long[] times;
    private final long[] drops;
    private final long[] judged;
    private int next;
    private int filled;

    /** {@code samples}: how many evaluations the window holds (window / evaluation interval, at least 2). */
    DropShareWindow(long windowNanos, int samples) {
        if (windowNanos <= 0 || samples < 2) {
            throw new IllegalArgumentException("need a positive window and at least two samples: " + windowNanos + ", " + samples);
        }
        this.windowNanos = windowNanos;
        this.times = new long[samples];
        this.drops = new long[samples];
        this.judged = new long[samples];
    }

    /** Adds a sample at {@code nowNanos} and returns the dropped share of arrivals over the window, 0.0-1.0. */
    double update(long nowNanos, long cumulativeDrops, long cumulativeJudged) {
        double share = 0;
        if (filled > 0) {
            int oldest = filled < times.length ? 0 : next;
            // The oldest sample no older than the window (the ring holds one window of evaluations).
            for (int i = 0; i < filled - 1 && nowNanos - times[oldest] > windowNanos; i++) {
                oldest = (oldest + 1) % times.length;
            }
            long dropped = Math.max(0, cumulativeDrops - drops[oldest]);
            long seen = Math.max(0, cumulativeJudged - judged[oldest]);
            share = dropped + seen == 0 ? 0 : (double) dropped / (dropped + seen);
        }
        times[next] = nowNanos;
        drops[next] = cumulativeDrops;
        judged[next] = cumulativeJudged;
        next = (next + 1) % times.length;
        filled = Math.min(times.length, filled + 1);
        return share;
    }
}
