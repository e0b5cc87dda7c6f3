package org.sipcity.stack.transaction;

/**
 * A final response kept so that it can be sent again while a completed non-INVITE server transaction
 * absorbs retransmissions of its request (RFC 3261 §17.2.2, Timer J). A channel keeps as little as it can:
 * the stack's own keeps the encoded bytes and the flow they go to, not the parsed messages.
 */
public interface RetainedResponse {

    /**
     * Sends the same response again, to the same destination. Never blocks. A failure is the channel's to
     * count: no transaction is left to tell.
     */
    void resend();

    /** Heap bytes this object keeps reachable (its own header and fields included): its share of the budget. */
    int retainedBytes();
}
