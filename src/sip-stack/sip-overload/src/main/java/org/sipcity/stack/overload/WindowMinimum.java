package org.sipcity.stack.overload;

/**
 * The smallest of the last {@code size} samples (CoDel's test for a standing queue: a queue whose shortest wait
 * over an interval stays above the target is one the server does not drain, while a burst or a pause of a few
 * hundred milliseconds leaves short waits in between). Single-threaded: the controller's evaluations.
 */
final class WindowMinimum {

    /** Starts at zero: a valve that has just started has seen no standing queue. */
    private final long[] samples;
    private int next;

    WindowMinimum(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window of at least one sample: " + size);
        }
        this.samples = new long[size];
    }

    /** Adds {@code sample} and returns the smallest of the window. */
    long add(long sample) {
        samples[next] = sample;
        next = (next + 1) % samples.length;
        long least = Long.MAX_VALUE;
        for (int i = 0; i < samples.length; i++) {
            least = Math.min(least, samples[i]);
        }
        return least;
    }
}
