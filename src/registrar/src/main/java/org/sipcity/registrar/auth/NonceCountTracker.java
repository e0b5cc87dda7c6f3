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
 * <p>
 * A retransmission is not a replay (RFC 3261 §17.2.3: the same request again, which must get the same answer): with
 * the highest count the tracker keeps a hash of the transaction that used it, and the same count from the same
 * transaction is {@link Verdict#RETRANSMITTED}. The caller then answers without acting again. Any other request
 * with that count (another CSeq or branch) is still {@link Verdict#REPLAYED}. The int sits in the 4 bytes of padding
 * after the entry's object header: an entry stays 32 B (JOL layout).
 */
public final class NonceCountTracker {

    /** The verdict on a nonce-count. */
    public enum Verdict { ACCEPTED, RETRANSMITTED, REPLAYED, FORGOTTEN }

    /** @param transaction the hash of the transaction that used {@code highestCount}, 0 when unknown */
    private record Seen(long issuedAt, long highestCount, int transaction) {
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

    /** {@link #accept(String, long, long, int)} for a request whose transaction is not known. */
    public Verdict accept(String nonce, long issuedAt, long count) {
        return accept(nonce, issuedAt, count, 0);
    }

    /**
     * Records {@code count} for {@code nonce} if it is higher than any accepted before; the same count again from the
     * same transaction is a retransmission.
     *
     * @param issuedAt    the nonce's issue time ({@link NonceService#issuedAt})
     * @param transaction a hash naming the request's transaction (its Via branch, Call-ID and CSeq), 0 when unknown:
     *                    then a repeated count is always a replay
     */
    public synchronized Verdict accept(String nonce, long issuedAt, long count, int transaction) {
        Seen previous = seen.get(nonce);
        if (previous == null) {
            if (issuedAt <= watermark) {
                return Verdict.FORGOTTEN;
            }
            seen.put(nonce, new Seen(issuedAt, count, transaction));
            evictBeyondCapacity();
            return Verdict.ACCEPTED;
        }
        if (count == previous.highestCount() && transaction != 0 && transaction == previous.transaction()) {
            return Verdict.RETRANSMITTED;
        }
        if (count <= previous.highestCount()) {
            return Verdict.REPLAYED;
        }
        seen.put(nonce, new Seen(previous.issuedAt(), count, transaction));
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
