package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipResponse;

/**
 * The transaction layer's only view of the network (RFC 3261 §18 sits behind it).
 *
 * <p>A server transaction uses the channel its request arrived on; responses go back as
 * RFC 3261 §18.2.2 says (the implementation resolves the top Via, {@code received}, {@code rport},
 * or the connection the request came on). A client transaction uses the channel its caller chose
 * (the target resolved by RFC 3263 and the flow picked for it).
 *
 * <p>The transport implements this; tests use an in-memory channel that records what was sent.
 */
public interface TransactionChannel {

    /**
     * Whether the transport is reliable (TCP, TLS, SCTP, WebSocket). Decides whether requests and
     * responses are retransmitted and whether Timers D, I, J and K are zero (RFC 3261 Table 4).
     */
    boolean isReliable();

    /**
     * Sends {@code message}. Must never block: queue it and return.
     *
     * <p>A failure, found now or later, is reported to {@code onFailure} exactly once (RFC 3261
     * §17.1.4, §17.2.4); the transaction then informs its TU and terminates. {@code onFailure}
     * may be called from any thread, also from within this call.
     *
     * <p>The transaction may send the same message object again (a retransmission): encode it
     * each time, do not consume it.
     */
    void send(SipMessage message, SendFailureListener onFailure);

    /**
     * Sends the final response of a non-INVITE server transaction over an unreliable channel and returns what
     * sending it again needs. The transaction then leaves the table and only this object (with the table key)
     * stays for Timer J: implementations should encode the response once and keep the bytes and the
     * destination, not the parsed message. {@code onFailure} is as for {@link #send}.
     *
     * <p>This default keeps the message itself (correct, but about as heavy as the transaction was).
     */
    default RetainedResponse sendRetained(SipResponse response, SendFailureListener onFailure) {
        send(response, onFailure);
        return new RetainedResponse() {
            @Override
            public void resend() {
                send(response, null);
            }

            @Override
            public int retainedBytes() {
                return KEPT_MESSAGE_BYTES;
            }
        };
    }

    /** What {@link #sendRetained}'s default is charged: a parsed response with its request's headers, about. */
    int KEPT_MESSAGE_BYTES = 4096;
}
