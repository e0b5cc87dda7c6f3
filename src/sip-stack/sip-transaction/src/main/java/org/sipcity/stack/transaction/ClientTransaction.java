package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * A client transaction (RFC 3261 §17.1): sends a request, retransmits it over unreliable
 * transports, and passes responses up to the TU. Created and started by
 * {@link TransactionLayer#sendRequest}.
 */
public abstract sealed class ClientTransaction extends Transaction
        permits InviteClientTransaction, NonInviteClientTransaction {

    final ClientTransactionKey key;

    ClientTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel,
                      ClientTransactionKey key, TransactionState initialState) {
        super(layer, request, channel, key.branch(), initialState);
        this.key = key;
    }

    /** Sends the request and arms the timers of the initial state. */
    abstract void start();

    /**
     * A response matched this transaction by §17.1.3.
     *
     * @return {@code false} if the transaction has terminated meanwhile: the response is then stray
     */
    abstract boolean responseReceived(SipResponse response);
}
