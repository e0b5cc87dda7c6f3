package org.sipcity.stack.transaction;

/** What {@link TransactionLayer#requestReceived} did with a request; tells the caller what is left to do. */
public enum RequestDisposition {
    /** A new server transaction was created and the TU was given the request. */
    NEW_TRANSACTION,
    /** A retransmission matched a server transaction, which absorbed it (and resent its last response, if any). */
    ABSORBED,
    /** An ACK matched an INVITE server transaction in Completed or Confirmed state and was consumed by it. */
    ACK_CONSUMED,
    /** An ACK for a 2xx (or a stray ACK) was passed to the TU unchanged (RFC 3261 §17.2.3, RFC 6026 §7.1). */
    ACK_PASSED_UP,
    /** The live-transaction limit is reached: no transaction was created; the caller answers 503 statelessly. */
    REFUSED_OVERLOAD,
    /** Top Via, CSeq or Call-ID is missing or unusable, or the CSeq method differs from the request method: answer 400. */
    INVALID
}
