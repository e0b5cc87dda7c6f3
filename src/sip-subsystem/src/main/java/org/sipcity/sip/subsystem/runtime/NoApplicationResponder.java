package org.sipcity.sip.subsystem.runtime;

import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/**
 * The transaction user of a stack that hosts no SIP application: every request is answered
 * {@code 503 Service Unavailable} with a Retry-After, so that clients try another server or come back later
 * (RFC 3261 §21.5.4) instead of retransmitting into silence until Timer F. CANCEL gets its own answer (§9.2).
 * Runs on the event loop; answers without blocking.
 */
public final class NoApplicationResponder implements TransactionUser {

    /** Seconds a client waits before it tries again (RFC 3261 §20.33). */
    private static final int RETRY_AFTER_SECONDS = 30;

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        SipResponse response = withToTag(request.createResponse(503, "Service Unavailable - No SIP Application Deployed"));
        response.setHeader(HeaderName.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        transaction.sendResponse(response);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        // RFC 3261 §9.2: 481 when no transaction matches; otherwise 200 (the INVITE was answered 503 already).
        SipResponse response = target == null
                ? cancel.createResponse(481, "Call/Transaction Does Not Exist")
                : cancel.createResponse(200, "OK");
        transaction.sendResponse(withToTag(response));
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        // No 2xx is ever sent, so an ACK that reaches here belongs to nobody.
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        // This user never sends requests.
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        // Not a proxy: RFC 3261 §18.1.2 lets a UA drop responses that match nothing.
    }

    @Override
    public void timeout(Transaction transaction) {
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
    }

    private static SipResponse withToTag(SipResponse response) {
        // RFC 3261 §8.2.6.2: a UAS adds a To tag to its responses.
        String to = response.getHeader(HeaderName.TO);
        if (to != null && response.getToTag() == null) {
            response.setHeader(HeaderName.TO, to + ";tag=" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        return response;
    }
}
