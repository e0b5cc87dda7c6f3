package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipMessage;

/** Told by a {@link TransactionChannel} that a message could not be sent. */
@FunctionalInterface
public interface SendFailureListener {

    /**
     * @param message the message that was not sent
     * @param cause   why: connection refused or reset, no route, ICMP unreachable, write failed
     */
    void sendFailed(SipMessage message, Throwable cause);
}
