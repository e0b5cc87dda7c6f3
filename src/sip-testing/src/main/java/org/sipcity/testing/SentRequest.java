package org.sipcity.testing;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteClientTransaction;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.testing.digest.DigestChallenge;
import org.sipcity.testing.digest.DigestCredentials;

/**
 * A request the client sent in a client transaction, and the responses that came back for it: every provisional,
 * the final one, and for INVITE every further 2xx (retransmissions and forks, RFC 6026). Waits are bounded and
 * fail with a {@link SipTimeoutException} naming what arrived.
 */
public final class SentRequest {

    private final SipTestClient client;
    private final SipRequest request;
    private final TransportType transport;
    private final InetSocketAddress target;
    private final String description;
    private final List<SipResponse> responses = new ArrayList<>();
    private ClientTransaction transaction;
    private String failure;
    private Dialog dialog;

    SentRequest(SipTestClient client, SipRequest request, TransportType transport, InetSocketAddress target) {
        this.client = client;
        this.request = request;
        this.transport = transport;
        this.target = target;
        this.description = request.getMethod().name() + " " + request.getRequestUri() + " (Call-ID "
                + request.getCallId() + ", CSeq " + request.getCSeq() + ") to " + transport + " " + target;
    }

    /** The request as sent, with our Via. Do not change it: the transaction may retransmit it. */
    public SipRequest request() {
        return request;
    }

    public TransportType transport() {
        return transport;
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Every response received so far, in arrival order. */
    public synchronized List<SipResponse> responses() {
        return List.copyOf(responses);
    }

    /** The provisional (1xx) responses received so far. */
    public synchronized List<SipResponse> provisionals() {
        return responses.stream().filter(r -> r.getStatus() < 200).toList();
    }

    /** The first final response, waiting at most {@code timeout}. */
    public SipResponse awaitFinal(Duration timeout) {
        return await(r -> r.getStatus() >= 200, "final response", timeout);
    }

    /** The first response of {@code status}, waiting at most {@code timeout}; responses before it are kept. */
    public SipResponse awaitResponse(int status, Duration timeout) {
        return await(r -> r.getStatus() == status, status + " response", timeout);
    }

    private synchronized SipResponse await(Predicate<SipResponse> wanted, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (SipResponse response : responses) {
                if (wanted.test(response)) {
                    return response;
                }
            }
            if (failure != null) {
                throw new SipTimeoutException("No " + what + " to " + description + ": " + failure
                        + "; received: " + received());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SipTimeoutException("No " + what + " to " + description + " within " + timeout.toMillis()
                        + " ms; received: " + received());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SipTimeoutException("Interrupted while awaiting " + what + " to " + description);
            }
        }
    }

    private String received() {
        return responses.isEmpty() ? "nothing"
                : responses.stream().map(Messages::summary).toList().toString();
    }

    /**
     * Sends the ACK for the 2xx final response of this INVITE (RFC 3261 §13.2.2.4) and returns the dialog it
     * confirmed. Waits at most {@code timeout} for the 2xx.
     */
    public Dialog ack(Duration timeout) {
        Dialog d = dialog(timeout);
        d.ack();
        return d;
    }

    /** The dialog the first 2xx created (RFC 3261 §12.1.2), waiting at most {@code timeout} for it. */
    public Dialog dialog(Duration timeout) {
        SipResponse final2xx = awaitFinal(timeout);
        if (final2xx.getStatus() >= 300) {
            throw new SipTimeoutException("No dialog: " + description + " was answered " + Messages.summary(final2xx));
        }
        synchronized (this) {
            if (dialog == null) {
                dialog = Dialog.asCaller(client, request, final2xx, transport);
            }
            return dialog;
        }
    }

    /**
     * The 2xx of another dialog than {@code otherThan}'s (another To tag): a forked INVITE answered by several UAs
     * (RFC 3261 §13.2.2.4, §16.7 step 5). Waits at most {@code timeout}.
     */
    public SipResponse awaitAnother2xx(SipResponse otherThan, Duration timeout) {
        String tag = otherThan.getToTag();
        return await(r -> r.getStatus() >= 200 && r.getStatus() < 300 && !java.util.Objects.equals(r.getToTag(), tag),
                "2xx of a dialog other than To tag " + tag, timeout);
    }

    /**
     * Sends the ACK for {@code twoHundred}, a 2xx of this INVITE that set up a further dialog (a fork), and returns
     * that dialog (RFC 3261 §13.2.2.4: "the UAC core MUST generate an ACK request for each 2xx"). {@link #ack}
     * acknowledges the first 2xx.
     */
    public Dialog ackAnother(SipResponse twoHundred) {
        if (twoHundred.getStatus() < 200 || twoHundred.getStatus() >= 300) {
            throw new IllegalArgumentException("Not a 2xx: " + Messages.summary(twoHundred));
        }
        Dialog fork = Dialog.asCaller(client, request, twoHundred, transport);
        fork.ack();
        return fork;
    }

    /**
     * Cancels this INVITE (RFC 3261 §9.1) in a CANCEL transaction of its own, over the same flow. The CANCEL is
     * only sent after a provisional response: this waits at most {@code timeout} for one.
     */
    public SentRequest cancel(Duration timeout) {
        if (request.getMethod() != SipMethod.INVITE) {
            throw new IllegalStateException("Only an INVITE is cancelled, not " + description);
        }
        await(r -> r.getStatus() < 200, "provisional response (a CANCEL waits for one, RFC 3261 §9.1)", timeout);
        InviteClientTransaction invite;
        synchronized (this) {
            invite = (InviteClientTransaction) transaction;
        }
        return client.send(invite.createCancel(), transport, target);
    }

    /**
     * Sends this request again with credentials answering the 401 or 407 it received (RFC 3261 §22.2, §22.3):
     * same Call-ID, CSeq + 1, a new branch, an Authorization (401) or Proxy-Authorization (407) header. Of several
     * challenges the strongest this client computes is answered (SHA-256 before MD5, RFC 8760 §2.4).
     *
     * @throws SipTimeoutException when no final response arrives within {@code timeout}
     * @throws IllegalStateException when the final response is not a digest challenge
     */
    public SentRequest authenticate(String username, String password, Duration timeout) {
        SipResponse challengeResponse = awaitFinal(timeout);
        int status = challengeResponse.getStatus();
        if (status != 401 && status != 407) {
            throw new IllegalStateException("Nothing to authenticate: " + description + " was answered "
                    + Messages.summary(challengeResponse));
        }
        HeaderName challengeHeader = status == 401 ? HeaderName.WWW_AUTHENTICATE : HeaderName.PROXY_AUTHENTICATE;
        HeaderName answerHeader = status == 401 ? HeaderName.AUTHORIZATION : HeaderName.PROXY_AUTHORIZATION;
        DigestChallenge challenge = strongest(challengeResponse.getHeaders(challengeHeader), challengeResponse);

        SipRequest retry = Messages.copy(request);
        retry.removeHeader(HeaderName.VIA);
        CSeq cseq = request.getCSeq();
        retry.setHeader(HeaderName.CSEQ, new CSeq(cseq.sequence() + 1, cseq.method()).toString());
        retry.addHeader(answerHeader, new DigestCredentials(username, password).answer(challenge,
                request.getMethod().name(), request.getRequestUri().toString(), request.getBody()));
        return client.send(retry, transport, target);
    }

    private static DigestChallenge strongest(List<String> values, SipResponse response) {
        DigestChallenge best = null;
        for (String value : values) {
            if (!value.regionMatches(true, 0, "Digest", 0, 6)) {
                continue;
            }
            DigestChallenge challenge = DigestChallenge.parse(value);
            if (challenge.algorithm() != null && (best == null
                    || challenge.algorithm().ordinal() > best.algorithm().ordinal())) {
                best = challenge;
            }
        }
        if (best == null) {
            throw new IllegalStateException("No digest challenge this client can answer in "
                    + Messages.summary(response) + ": " + values);
        }
        return best;
    }

    synchronized void transaction(ClientTransaction transaction) {
        this.transaction = transaction;
    }

    void responseArrived(SipResponse response) {
        Dialog acknowledged;
        synchronized (this) {
            responses.add(response);
            notifyAll();
            acknowledged = dialog;
        }
        int status = response.getStatus();
        if (acknowledged != null && status >= 200 && status < 300) {
            acknowledged.twoHundredRetransmitted();
        }
    }

    synchronized void failed(String why) {
        if (failure == null) {
            failure = why;
        }
        notifyAll();
    }

    @Override
    public String toString() {
        return description;
    }
}
