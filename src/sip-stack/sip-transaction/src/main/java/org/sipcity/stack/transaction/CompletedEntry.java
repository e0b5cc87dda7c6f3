package org.sipcity.stack.transaction;

/**
 * What is left of a non-INVITE server transaction in Completed state over an unreliable transport (RFC 3261
 * §17.2.2): its table key and its final response, ready to be sent again when the request is retransmitted, until
 * Timer J. The transaction object, its parsed request and response and its timers are gone; Timer J of all
 * entries is one task on the wheel ({@link CompletedEntries}).
 */
final class CompletedEntry {

    final Object key;
    final RetainedResponse response;
    /** When Timer J fires for it, on the layer's clock. */
    final long expiresAtMillis;
    /** Its charge against the budget: the response's retained bytes plus this entry, its key and table slot. */
    final int bytes;
    /** The next younger entry; guarded by the {@link CompletedEntries} lock. */
    CompletedEntry next;

    CompletedEntry(Object key, RetainedResponse response, long expiresAtMillis, int bytes) {
        this.key = key;
        this.response = response;
        this.expiresAtMillis = expiresAtMillis;
        this.bytes = bytes;
    }

    boolean isExpired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    @Override
    public String toString() {
        return "CompletedEntry[" + key + ", until " + expiresAtMillis + "]";
    }
}
