package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * The transaction user (RFC 3261 §5: the core of a UA, proxy or registrar) as seen by the
 * transaction layer.
 *
 * <p>Callbacks arrive on the event-loop thread that read the message, or on the timer thread
 * (timeouts, and transaction termination after a timer); never while the layer holds a lock of
 * the transaction concerned, so the TU may call back into any transaction. Callbacks must not
 * block. An exception thrown by a callback is logged and swallowed: it never reaches the transport.
 */
public interface TransactionUser {

    /**
     * A new request created a server transaction. The TU answers through
     * {@link ServerTransaction#sendResponse}. CANCEL comes to {@link #cancelReceived} instead.
     */
    void requestReceived(ServerTransaction transaction, SipRequest request);

    /**
     * A CANCEL created its own non-INVITE server transaction (RFC 3261 §9.2).
     *
     * @param target the INVITE server transaction it cancels, matched by §9.2, or {@code null} if
     *               none: then the TU answers 481 (a UAS) or forwards the CANCEL statelessly (a proxy)
     */
    void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target);

    /**
     * An ACK that no transaction consumes: the ACK for a 2xx, which is end-to-end (RFC 3261
     * §17.2.3, §13.2.2.4), or a stray ACK.
     *
     * @param accepted the INVITE server transaction in Accepted state it matched (RFC 6026 §7.1),
     *                 or {@code null}: the usual case (a 2xx ACK carries a new branch), and always once the
     *                 2xx has been sent, since Accepted is then held by a lean entry without the object
     */
    void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted);

    /**
     * A response for a client transaction: provisional, the final one, and for INVITE the first 2xx. 2xx
     * that follow it come to {@link #acceptedResponseReceived} (now and then, for a fork's 2xx racing the first,
     * here). Retransmissions of non-2xx final responses are absorbed by the transaction.
     *
     * <p>On an INVITE's first 2xx the transaction's {@linkplain Transaction#attachment() attachment} as it is when
     * this call returns is all the layer keeps of it until Timer M: attach here what handling further 2xx needs.
     */
    void responseReceived(ClientTransaction transaction, SipResponse response);

    /**
     * A 2xx for an INVITE client transaction in Accepted after its first (RFC 6026 §8.4: every 2xx goes to the TU):
     * a retransmission, or the 2xx of another fork downstream (another To tag). The transaction object has left the
     * table; only its key and {@code attachment}, the TU's object as it was when the first 2xx had been passed up,
     * stay until Timer M. A proxy forwards the 2xx upstream (RFC 3261 §16.7 step 5, RFC 6026 §7.1 and §8.4) and
     * needs no more than where to.
     *
     * <p>By default it is handled as a stray response would be.
     */
    default void acceptedResponseReceived(SipResponse response, Object attachment, TransactionChannel channel) {
        strayResponse(response, channel);
    }

    /**
     * A response that matched no client transaction (RFC 3261 §17.1.3); a proxy forwards it
     * statelessly (§16.7, RFC 6026 §7.3 for 2xx).
     */
    void strayResponse(SipResponse response, TransactionChannel channel);

    /**
     * A timer declared the transaction failed: Timer B or F (no final response), Timer H (no ACK
     * for a non-2xx final response; §17.2.1), or the non-INVITE server guard (no TU answer).
     */
    void timeout(Transaction transaction);

    /** The channel could not send a message of the transaction (RFC 3261 §17.1.4, §17.2.4). */
    void transportError(Transaction transaction, Throwable cause);

    /**
     * The transaction left the table: it reached Terminated, or, for a non-INVITE server transaction over an
     * unreliable transport, it sent its final response and a lean entry absorbs retransmissions in its place
     * until Timer J (the object reports Completed until then), or, for an INVITE server transaction, it sent a 2xx
     * and a lean entry absorbs INVITE retransmissions until Timer L (the object reports Accepted until then and
     * still sends the TU's further 2xx), or, for an INVITE client transaction, it passed its first 2xx up and a lean
     * entry takes further 2xx until Timer M (the object reports Accepted until then). Last callback for it.
     */
    default void transactionTerminated(Transaction transaction) {
    }
}
