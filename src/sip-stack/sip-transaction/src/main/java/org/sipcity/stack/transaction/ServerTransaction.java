package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * A server transaction (RFC 3261 §17.2): created by the layer for a new request, absorbs
 * retransmissions of it, and sends the TU's responses (retransmitting over unreliable transports
 * where the RFC says so).
 */
public abstract sealed class ServerTransaction extends Transaction
        permits InviteServerTransaction, NonInviteServerTransaction {

    /** Key of the transaction table (§17.2.3). */
    final Object key;

    /** The last response sent, resent when the request is retransmitted; guarded by {@code this}. */
    SipResponse lastResponse;

    /** Set by {@link #markReplaySafe()}, before the final response is sent by the same thread. */
    boolean replaySafe;

    ServerTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel, String branch,
                      Object key, TransactionState initialState) {
        super(layer, request, channel, branch, initialState);
        this.key = key;
    }

    /**
     * Sends a response to the request through this transaction.
     *
     * <p>The transaction owns the response from now on: it may send it again, so do not change it.
     *
     * @param response a response to {@link #request()}, status 100 to 699
     * @return {@code true} if it was handed to the channel; {@code false} if the state machine does
     *         not allow it any more (a final response was sent already, or the transaction ended by a
     *         timeout or transport error meanwhile)
     * @throws IllegalArgumentException if the status is outside 100-699
     */
    public abstract boolean sendResponse(SipResponse response);

    /**
     * Declares that the TU answers a retransmission of this request that arrives after the transaction is gone as
     * it answered the request itself, without doing its work twice (a registrar that recognises the REGISTER
     * transaction that last wrote a binding, RFC 3261 §10.3 step 7). Over an unreliable transport the layer may then
     * release the transaction's completed state before T4 when the memory for completed transactions is full
     * ({@link TransactionConfig#completedMemoryBytes()}), instead of refusing new requests with 503 until its
     * oldest entries are T4 old: a retransmission after the release reaches the TU again. Call it before sending the
     * final response, on the thread that sends it. Without it nothing changes, nor for a request without an RFC 3261
     * branch (its retransmission cannot be recognised).
     */
    public void markReplaySafe() {
        replaySafe = true;
    }

    /** The last response sent, or {@code null}. */
    public synchronized SipResponse lastResponse() {
        return lastResponse;
    }

    /** Arms the timers of the initial state; called once the transaction is in the table. */
    abstract void start();

    /** A retransmission of the request matched this transaction (§17.2.3). */
    abstract void requestRetransmitted(SipRequest retransmission);

    static int checkStatus(SipResponse response) {
        int status = response.getStatus();
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("Not a response status: " + status);
        }
        return status;
    }
}
