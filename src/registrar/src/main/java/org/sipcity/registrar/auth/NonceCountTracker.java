package org.sipcity.registrar.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replay protection by nonce-count (RFC 7616 §3.4: "the server ... can detect request replays by tracking its
 * nc-values"): remembers, per nonce, the highest nc accepted and accepts only higher ones.
 * <p>
 * Memory is bounded: beyond {@code capacity} nonces the least recently used is forgotten, and the tracker raises a
 * watermark to that nonce's issue time. A nonce issued at or before the watermark and not tracked any more is
 * refused (the caller answers with a fresh challenge and {@code stale=true}), so forgetting never reopens a replay
 * window; it only costs the UA one extra round trip.
 */
public final class NonceCountTracker {

    /** The verdict on a nonce-count. */
    public enum Verdict { ACCEPTED, REPLAYED, FORGOTTEN }

    private record Seen(long issuedAt, long highestCount) {
    }

    private final int capacity;
    private final LinkedHashMap<String, Seen> seen;
    private long watermark = Long.MIN_VALUE;

    public NonceCountTracker(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.seen = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true);
    }

    /**
     * Records {@code count} for {@code nonce} if it is higher than any accepted before.
     *
     * @param issuedAt the nonce's issue time ({@link NonceService#issuedAt})
     */
    public synchronized Verdict accept(String nonce, long issuedAt, long count) {
        Seen previous = seen.get(nonce);
        if (previous == null) {
            if (issuedAt <= watermark) {
                return Verdict.FORGOTTEN;
            }
            seen.put(nonce, new Seen(issuedAt, count));
            evictBeyondCapacity();
            return Verdict.ACCEPTED;
        }
        if (count <= previous.highestCount()) {
            return Verdict.REPLAYED;
        }
        seen.put(nonce, new Seen(previous.issuedAt(), count));
        return Verdict.ACCEPTED;
    }

    public synchronized int size() {
        return seen.size();
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<String, Seen>> eldest = seen.entrySet().iterator();
        while (seen.size() > capacity && eldest.hasNext()) {
            Seen evicted = eldest.next().getValue();
            watermark = Math.max(watermark, evicted.issuedAt());
            eldest.remove();
        }
    }
}
