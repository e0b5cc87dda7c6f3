package org.sipcity.sip.container.core;

import org.jboss.logging.Logger;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.SendFailureListener;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.TransactionChannel;

/**
 * What the proxy keeps of an INVITE branch answered 2xx while its client transaction waits in Accepted for Timer M
 * (RFC 6026 §8.4, 64·T1 = 32 s): where its further 2xx go upstream. The stack keeps only this (as the transaction's
 * attachment) for those 32 s, not the branch's request, the proxy, the received INVITE or the sessions: at a few
 * thousand calls per second that graph, ~18 KB a call, was most of the heap.
 *
 * <p>A further 2xx is a retransmission from the UAS (RFC 3261 §13.3.1.4: it repeats its 2xx until the ACK) or the
 * 2xx of another fork downstream (another To tag). A proxy forwards both upstream at once (RFC 3261 §16.7 step 5,
 * RFC 6026 §7.1 and §8.4), and with its final response already sent it has nothing to decide: its own Via comes off
 * (§16.7 step 9) and the response goes back the way the request came, on the channel of the upstream server
 * transaction, which follows RFC 3261 §18.2.2 (the connection the INVITE came on, or the next Via's
 * {@code received}/{@code rport}). The servlet does not see them, as it did not before (only a branch's first final
 * response is shown to it); the dialog of another fork's 2xx is forwarded but not tracked (see the README).
 *
 * <p>Runs on the event loop that received the 2xx: no queue, no lock.
 */
final class AcceptedBranch {

    private static final Logger LOG = Logger.getLogger(AcceptedBranch.class);
    private static final SendFailureListener NOT_FORWARDED = AcceptedBranch::notForwarded;

    private final TransactionChannel upstream;

    private AcceptedBranch(TransactionChannel upstream) {
        this.upstream = upstream;
    }

    /** For a branch of the proxy of {@code upstream}'s request; null when there is no upstream transaction. */
    static AcceptedBranch of(ServerTransaction upstream) {
        return upstream == null ? null : new AcceptedBranch(upstream.channel());
    }

    /** Forwards a 2xx of the branch upstream, statelessly, minus our Via. */
    void forward(SipResponse response) {
        // It matched our client transaction by its top Via's branch, so that Via is ours.
        if (!response.removeFirstHeader(HeaderName.VIA) || !response.hasHeader(HeaderName.VIA)) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("%d for %s not forwarded: no Via under ours", response.getStatus(), response.getCallId());
            }
            return;
        }
        upstream.send(response, NOT_FORWARDED);
    }

    private static void notForwarded(SipMessage message, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("2xx for %s not forwarded upstream: %s", message.getCallId(), cause.getMessage());
        }
    }
}
