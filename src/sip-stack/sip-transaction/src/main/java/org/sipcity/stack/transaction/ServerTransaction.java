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
