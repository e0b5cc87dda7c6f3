package org.sipcity.stack.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/** A transaction user that answers every request 200 OK and counts what reached it. */
final class AnsweringUser implements TransactionUser {

    final AtomicInteger requests = new AtomicInteger();

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        requests.incrementAndGet();
        transaction.sendResponse(withTag(request.createResponse(200, "OK")));
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        requests.incrementAndGet();
        transaction.sendResponse(withTag(cancel.createResponse(target == null ? 481 : 200, target == null
                ? "Call/Transaction Does Not Exist" : "OK")));
    }

    private static SipResponse withTag(SipResponse response) {
        if (response.getToTag() == null) {
            response.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO) + ";tag="
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        }
        return response;
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        requests.incrementAndGet();
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
    }

    @Override
    public void timeout(Transaction transaction) {
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
    }
}
