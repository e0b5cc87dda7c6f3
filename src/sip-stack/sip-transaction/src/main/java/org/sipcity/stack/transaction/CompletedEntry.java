package org.sipcity.stack.transaction;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What is left of a transaction that, for a timer of 64·T1, only has to recognise messages of its own and react
 * without state:
 * <ul>
 *   <li>a non-INVITE server transaction in Completed over an unreliable transport (RFC 3261 §17.2.2): its table key
 *       and its final response, sent again for every retransmission, until Timer J;</li>
 *   <li>an INVITE server transaction in Accepted (RFC 6026 §7.1), on every transport: its table key only, since a
 *       retransmitted INVITE is absorbed without an answer, until Timer L. 2xx retransmissions from the TU go out
 *       through the transaction object the TU holds, and an ACK for the 2xx goes to the TU; neither needs the
 *       entry to keep more.</li>
 *   <li>an INVITE client transaction in Accepted (RFC 6026 §8.4), on every transport: its table key and what its TU
 *       kept for further 2xx (a retransmission, or the 2xx of another fork downstream), until Timer M. Each such 2xx
 *       goes to the TU with that object ({@link TransactionUser#acceptedResponseReceived}); a proxy forwards it
 *       upstream and needs only the upstream hop for that, not the request it sent or its own state.</li>
 * </ul>
 * The transaction object, its parsed request and response and its timers are gone from the table; Timer J, L and
 * M, all 64·T1, of all entries are one task on the wheel ({@link CompletedEntries}).
 */
final class CompletedEntry {

    final Object key;
    /** The final response to send again; {@code null} for an INVITE in Accepted (retransmissions get no answer). */
    final RetainedResponse response;
    /** For an INVITE client transaction in Accepted: its TU's attachment at the first 2xx (may be null); else null. */
    final Object retained;
    /** When Timer J (or L) fires for it, on the layer's clock. */
    final long expiresAtMillis;
    /** Its charge against the budget: the response's retained bytes plus this entry, its key and table slot. */
    final int bytes;
    /**
     * Whether its TU answers a retransmission again without doing the work twice
     * ({@link ServerTransaction#markReplaySafe()}): then the budget may release it before T4.
     */
    final boolean replaySafe;
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(CompletedEntry.class, "next", CompletedEntry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The next younger entry in {@link CompletedEntries}' queue: linked once by the adder that followed this one. */
    @SuppressWarnings("unused")
    private CompletedEntry next;

    CompletedEntry(Object key, RetainedResponse response, Object retained, long expiresAtMillis, int bytes,
                   boolean replaySafe) {
        this.key = key;
        this.response = response;
        this.retained = retained;
        this.expiresAtMillis = expiresAtMillis;
        this.bytes = bytes;
        this.replaySafe = replaySafe;
    }

    /** Links the entry added after this one; a release store, so the reader sees the younger entry whole. */
    void linkNext(CompletedEntry younger) {
        NEXT.setRelease(this, younger);
    }

    /** The next younger entry, or {@code null} while there is none or its adder has not linked it yet. */
    CompletedEntry next() {
        return (CompletedEntry) NEXT.getAcquire(this);
    }

    /** An INVITE server transaction in Accepted: absorbs its INVITE silently, passes the ACK for its 2xx up. */
    boolean isAccepted() {
        return response == null;
    }

    /** An INVITE client transaction in Accepted: found in the client table, by {@link ClientTransactionKey}. */
    boolean isClient() {
        return key instanceof ClientTransactionKey;
    }

    boolean isExpired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    @Override
    public String toString() {
        return "CompletedEntry[" + key + ", until " + expiresAtMillis + "]";
    }
}
