package org.sipcity.stack.overload;

/**
 * The lag of one event loop as the valve judges it: the smallest lateness among its last {@code probes} probes,
 * so that one late probe (a GC pause, the host descheduling the process once) does not read as overload, while a
 * loop that stays behind does.
 *
 * <p>A probe still pending although due counts too: a loop that has not run it for {@code x} would have missed
 * every probe due since, one per interval, each late by {@code x}, {@code x - interval}, … So a stuck loop's lag
 * keeps growing ({@code x - (probes - 1) interval}) instead of hiding behind its last, small figure.
 *
 * <p>{@link #record} runs on the loop, {@link #lagNanos} on the valve's timer: both synchronise on this object,
 * once per probe interval and once per evaluation, never per message.
 */
final class SustainedLag {

    private final int probes;
    private final long intervalNanos;
    /** Lateness of the last completed probes, a ring; slots not yet written read 0 (a fresh loop is on time). */
    private final long[] recent;
    private int next;

    SustainedLag(int probes, long intervalNanos) {
        if (probes < 1 || intervalNanos <= 0) {
            throw new IllegalArgumentException("need probes >= 1 and a positive interval: " + probes + ", " + intervalNanos);
        }
        this.probes = probes;
        this.intervalNanos = intervalNanos;
        this.recent = new long[probes];
    }

    /** A probe ran {@code latenessNanos} after it was due. */
    synchronized void record(long latenessNanos) {
        recent[next] = Math.max(0, latenessNanos);
        next = (next + 1) % probes;
    }

    /**
     * The lateness the last {@code probes} probes all reached, given that the pending probe is {@code overdueNanos}
     * past its due time (0 or negative: not yet due).
     */
    synchronized long lagNanos(long overdueNanos) {
        long least = Long.MAX_VALUE;
        int counted = 0;
        // The probes a stuck loop has missed, the one due first (most overdue) first.
        for (long missed = overdueNanos; missed >= 0 && counted < probes; missed -= intervalNanos) {
            least = Math.min(least, missed);
            counted++;
        }
        // Then the completed probes, newest first.
        for (int i = 1; counted < probes; i++, counted++) {
            least = Math.min(least, recent[Math.floorMod(next - i, probes)]);
        }
        return least;
    }
}
