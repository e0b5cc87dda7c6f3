package org.sipcity.stack.transaction;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live figures of a {@link TransactionLayer}, cheap to update from many threads (LongAdders) and
 * read by metrics (each read sums the adder cells; a snapshot, not a transaction).
 */
public final class TransactionCounters {

    private final LongAdder[] active = new LongAdder[TransactionKind.values().length];
    private final LongAdder created = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final LongAdder absorbed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder refusedCompletedMemory = new LongAdder();
    private final LongAdder transportErrors = new LongAdder();
    private final LongAdder strayResponses = new LongAdder();
    private final LongAdder strayAcks = new LongAdder();
    private final LongAdder invalid = new LongAdder();

    TransactionCounters() {
        for (int i = 0; i < active.length; i++) {
            active[i] = new LongAdder();
        }
    }

    /** Live transactions of {@code kind}. */
    public long active(TransactionKind kind) {
        return active[kind.ordinal()].sum();
    }

    /** Live transactions of all kinds. */
    public long activeTotal() {
        long sum = 0;
        for (LongAdder adder : active) {
            sum += adder.sum();
        }
        return sum;
    }

    /** Transactions created since start. */
    public long created() {
        return created.sum();
    }

    /** Transactions ended by Timer B, F, H or the non-INVITE server guard. */
    public long timedOut() {
        return timedOut.sum();
    }

    /** Messages sent again: requests on Timer A/E, responses on Timer G or on a retransmitted request, ACKs resent. */
    public long retransmissions() {
        return retransmissions.sum();
    }

    /** Retransmitted requests and responses received and absorbed by a transaction. */
    public long absorbed() {
        return absorbed.sum();
    }

    /**
     * Requests refused (answered 503) because a transaction limit was reached: the live-transaction limit, or the
     * memory for completed transactions full of entries younger than T4 ({@link #refusedCompletedMemory()}).
     */
    public long refused() {
        return refused.sum();
    }

    /** Of {@link #refused()}, those refused because the memory for completed transactions was full of young entries. */
    public long refusedCompletedMemory() {
        return refusedCompletedMemory.sum();
    }

    /** Transactions ended by a transport error. */
    public long transportErrors() {
        return transportErrors.sum();
    }

    /** Responses matching no client transaction. */
    public long strayResponses() {
        return strayResponses.sum();
    }

    /** ACKs matching no server transaction (the ACKs for 2xx). */
    public long strayAcks() {
        return strayAcks.sum();
    }

    /** Requests and responses the layer could not match for want of a usable Via, CSeq or Call-ID. */
    public long invalid() {
        return invalid.sum();
    }

    void countInvalid() {
        invalid.increment();
    }

    void transactionCreated(TransactionKind kind) {
        created.increment();
        active[kind.ordinal()].increment();
    }

    void transactionEnded(TransactionKind kind) {
        active[kind.ordinal()].decrement();
    }

    void countTimeout() {
        timedOut.increment();
    }

    void countRetransmission() {
        retransmissions.increment();
    }

    void countAbsorbed() {
        absorbed.increment();
    }

    void countRefused() {
        refused.increment();
    }

    void countRefusedCompletedMemory() {
        refused.increment();
        refusedCompletedMemory.increment();
    }

    void countTransportError() {
        transportErrors.increment();
    }

    void countStrayResponse() {
        strayResponses.increment();
    }

    void countStrayAck() {
        strayAcks.increment();
    }

    @Override
    public String toString() {
        return "TransactionCounters[activeInviteClient=" + active(TransactionKind.INVITE_CLIENT)
                + ", activeNonInviteClient=" + active(TransactionKind.NON_INVITE_CLIENT)
                + ", activeInviteServer=" + active(TransactionKind.INVITE_SERVER)
                + ", activeNonInviteServer=" + active(TransactionKind.NON_INVITE_SERVER)
                + ", created=" + created() + ", timedOut=" + timedOut() + ", retransmissions=" + retransmissions()
                + ", absorbed=" + absorbed() + ", refused=" + refused() + ", refusedCompletedMemory=" + refusedCompletedMemory()
                + ", transportErrors=" + transportErrors()
                + ", strayResponses=" + strayResponses() + ", strayAcks=" + strayAcks() + ", invalid=" + invalid() + "]";
    }
}
