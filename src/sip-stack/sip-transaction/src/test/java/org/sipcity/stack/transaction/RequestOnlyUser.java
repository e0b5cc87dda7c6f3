package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/** A transaction user for tests that only look at new requests: every other callback does nothing. */
interface RequestOnlyUser extends TransactionUser {

    @Override
    default void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
    }

    @Override
    default void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
    }

    @Override
    default void responseReceived(ClientTransaction transaction, SipResponse response) {
    }

    @Override
    default void strayResponse(SipResponse response, TransactionChannel channel) {
    }

    @Override
    default void timeout(Transaction transaction) {
    }

    @Override
    default void transportError(Transaction transaction, Throwable cause) {
    }
}
