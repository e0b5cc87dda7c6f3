package org.sipcity.testing;

import org.jboss.logging.Logger;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/**
 * The test client as the stack's transaction user. Runs on the event loop or timer thread: it only files what
 * arrives (into the {@link SentRequest} it answers, or the client's inbox) and never blocks. The one thing it
 * answers itself is CANCEL (RFC 3261 §9.2): 200 to the CANCEL, 487 to the INVITE if still unanswered.
 */
final class ClientTransactionUser implements TransactionUser {

    private static final Logger LOG = Logger.getLogger(ClientTransactionUser.class);

    private final SipTestClient client;

    ClientTransactionUser(SipTestClient client) {
        this.client = client;
    }

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        IncomingRequest incoming = new IncomingRequest(client, transaction, request);
        transaction.attach(incoming);
        client.deliver(incoming);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        IncomingRequest incoming = new IncomingRequest(client, transaction, cancel);
        if (target == null) {
            incoming.respond(481);
        } else {
            incoming.respond(200);
            if (target.attachment() instanceof IncomingRequest invite) {
                invite.respondIfUnanswered(487);
            }
        }
        client.deliver(incoming);
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        client.deliver(new IncomingRequest(client, null, ack));
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        file(response);
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        // A 2xx retransmission after Timer M ended the INVITE transaction (RFC 6026 §8.4) still belongs to it.
        if (!file(response) && LOG.isDebugEnabled()) {
            LOG.debugf("The SIP test client dropped a response that answers nothing it sent: %s",
                    Messages.summary(response));
        }
    }

    private boolean file(SipResponse response) {
        if (response.getTopVia() == null || response.getCSeq() == null) {
            return false;
        }
        SentRequest sent = client.lookup(response.getTopVia().branch(), response.getCSeq().method().name());
        if (sent == null) {
            return false;
        }
        sent.responseArrived(response);
        return true;
    }

    @Override
    public void timeout(Transaction transaction) {
        if (transaction instanceof ClientTransaction) {
            SentRequest sent = sentFor(transaction);
            if (sent != null) {
                sent.failed("the client transaction timed out (RFC 3261 §17.1: Timer B or F, 64*T1) without a "
                        + "final response");
            }
        }
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        if (transaction instanceof ClientTransaction) {
            SentRequest sent = sentFor(transaction);
            if (sent != null) {
                sent.failed("the transport failed: " + cause);
            }
        } else {
            LOG.warnf("The SIP test client could not send a response to %s: %s",
                    Messages.summary(transaction.request()), cause.toString());
        }
    }

    private SentRequest sentFor(Transaction transaction) {
        return client.lookup(transaction.branch(), transaction.request().getMethod().name());
    }
}
