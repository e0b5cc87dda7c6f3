package org.sipcity.stack.overload;

/**
 * The share of the last {@code window} of wall time that an event loop spent in read batches cut off with data still
 * waiting in the socket, for the loop where it is largest. Fed each loop's cumulative saturated-batch time once per
 * evaluation (single-threaded: the controller's evaluations).
 *
 * <p>Judged over a window of time, not per batch, so that what passes quickly cannot start overload: a burst of a few
 * hundred datagrams, or the backlog a pause of {@code s} leaves at a utilisation {@code u}, keeps a loop cut off for
 * about {@code s / (1 - u)} (the pause, then the drain), while a loop that cannot keep up is cut off all the time.
 * Until a whole window has been seen, the missing part counts as calm.
 */
final class ReadSaturationWindow {

    private final long windowNanos;
    private final long[] times;
    private long[][] saturated;
    private int next;
    private int filled;

    /** {@code samples}: how many evaluations the window holds (window / evaluation interval); the oldest is one window old. */
    ReadSaturationWindow(long windowNanos, int samples) {
        if (windowNanos <= 0 || samples < 2) {
            throw new IllegalArgumentException("need a positive window and at least two samples: " + windowNanos + ", " + samples);
        }
        this.windowNanos = windowNanos;
        this.times = new long[samples];
        this.saturated = new long[samples][0];
    }

    /**
     * Adds the cumulative saturated nanoseconds of {@code loops} loops at {@code nowNanos} and returns the largest
     * share of the window, 0.0-1.0. Loops keep their index; a loop seen for the first time started from 0 within the
     * window.
     */
    double update(long nowNanos, long[] saturatedNanos, int loops) {
        int oldest = filled < times.length ? 0 : next;
        double largest = 0;
        if (filled > 0) {
            long span = Math.max(windowNanos, nowNanos - times[oldest]);
            long[] before = saturated[oldest];
            for (int i = 0; i < loops; i++) {
                long then = i < before.length ? before[i] : 0;
                largest = Math.max(largest, (double) (saturatedNanos[i] - then) / span);
            }
        }
        record(nowNanos, saturatedNanos, loops);
        return Math.min(1.0, largest);
    }

    private void record(long nowNanos, long[] saturatedNanos, int loops) {
        if (saturated[next].length != loops) {
            saturated[next] = new long[loops]; // only when loops first read: they register once
        }
        System.arraycopy(saturatedNanos, 0, saturated[next], 0, loops);
        times[next] = nowNanos;
        next = (next + 1) % times.length;
        filled = Math.min(times.length, filled + 1);
    }
}
