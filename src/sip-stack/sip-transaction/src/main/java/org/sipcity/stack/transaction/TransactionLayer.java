package org.sipcity.stack.transaction;

import org.jboss.logging.Logger;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SipTimer;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transaction layer of RFC 3261 §17: matches incoming messages to transactions, creates
 * server transactions for new requests, starts client transactions for the TU, and keeps the
 * table of live transactions.
 *
 * <h2>Matching</h2>
 * <ul>
 *   <li>Responses (§17.1.3): top Via branch and CSeq method. No match: a stray response, passed
 *       to the TU unchanged ({@link TransactionUser#strayResponse}).</li>
 *   <li>Requests with the magic cookie in the top Via branch (§17.2.3): branch, sent-by and method;
 *       an ACK matches the INVITE transaction of its branch. An ACK that matches none (the ACK
 *       for a 2xx carries a new branch) goes to the TU unchanged.</li>
 *   <li>Requests without the cookie (RFC 2543 peers, §17.2.3): Request-URI, To tag, From tag,
 *       Call-ID, CSeq and top Via; see {@link LegacyServerTransactionKey}.</li>
 *   <li>CANCEL (§9.2) creates its own non-INVITE server transaction and is matched to the INVITE
 *       server transaction it targets with the INVITE rules, method INVITE.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * At most {@link TransactionConfig#maxLiveTransactions()} transactions of all kinds live at once.
 * A new request beyond it gets no server transaction: {@link #requestReceived} answers
 * {@link RequestDisposition#REFUSED_OVERLOAD} and the caller sends 503 statelessly (RFC 3261
 * §21.5.4). Client transactions are never refused (they serve server transactions that already
 * exist, or the TU's own requests) but count against the limit.
 *
 * <p>A non-INVITE server transaction over an unreliable transport that has sent its final response
 * leaves the table and the count: a lean {@link CompletedEntry} (key and encoded response) takes its
 * place until Timer J, within {@link TransactionConfig#completedMemoryBytes()} (see
 * {@link CompletedEntries}). So does an INVITE server transaction that has sent a 2xx (its key only,
 * until Timer L), and an INVITE client transaction that has passed its first 2xx up (its key and the TU's
 * attachment, until Timer M). When that memory is full of entries too young to release, new requests
 * are refused the same way.
 *
 * <h2>Threads</h2>
 * {@link #requestReceived} and {@link #responseReceived} are called by the event loop of the flow
 * the message came on, {@link #sendRequest} and {@link ServerTransaction#sendResponse} by the TU
 * on any thread, timers fire on the timer thread. The table is a {@link ConcurrentHashMap}; each
 * transaction guards its own state; no lock is shared between transactions.
 */
public final class TransactionLayer {

    private static final Logger LOG = Logger.getLogger(TransactionLayer.class);

    private final TransactionConfig config;
    private final SipTimer timer;
    private final TransactionUser user;
    private final TransactionCounters counters = new TransactionCounters();
    /** A {@link ClientTransaction}, or the {@link CompletedEntry} of an INVITE client transaction in Accepted. */
    private final ConcurrentHashMap<ClientTransactionKey, Object> clientTransactions = new ConcurrentHashMap<>();
    /**
     * Keyed by {@link ServerTransactionKey} or {@link LegacyServerTransactionKey}; a {@link ServerTransaction}
     * or a {@link CompletedEntry}.
     */
    private final ConcurrentHashMap<Object, Object> serverTransactions = new ConcurrentHashMap<>();
    private final CompletedEntries completed;
    /** Exact count for the limit; the per-kind LongAdders are for metrics. */
    private final AtomicInteger live = new AtomicInteger();

    public TransactionLayer(TransactionConfig config, SipTimer timer, TransactionUser user) {
        this.config = Objects.requireNonNull(config, "config");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.user = Objects.requireNonNull(user, "user");
        this.completed = new CompletedEntries(serverTransactions, clientTransactions, timer, config);
    }

    public TransactionConfig config() {
        return config;
    }

    public TransactionCounters counters() {
        return counters;
    }

    /** Live transactions of all kinds, exact; completed ones held as lean entries are not among them. */
    public int liveTransactions() {
        return live.get();
    }

    /**
     * Lean entries held: completed non-INVITE server transactions of unreliable transports until Timer J, and INVITE
     * server transactions in Accepted until Timer L.
     */
    public long completedTransactions() {
        return completed.count();
    }

    /** INVITE client transactions in Accepted, held as lean entries until Timer M (out of the live count). */
    public long acceptedClientTransactions() {
        return completed.acceptedClients();
    }

    /** Bytes charged for the lean entries of all kinds, against {@link TransactionConfig#completedMemoryBytes()}. */
    public long completedTransactionBytes() {
        return completed.bytes();
    }

    /** Completed transactions released before Timer J because their memory was full. */
    public long completedReleasedEarly() {
        return completed.releasedEarly();
    }

    /** Of {@link #completedReleasedEarly()}, replay-safe ones released before T4 ({@link ServerTransaction#markReplaySafe()}). */
    public long completedReleasedBeforeT4() {
        return completed.releasedBeforeFloor();
    }

    /** A new branch for the top Via of a request the TU sends (RFC 3261 §8.1.1.7). */
    public String newBranch() {
        return BranchGenerator.newBranch();
    }

    SipTimer timer() {
        return timer;
    }

    // ---- incoming --------------------------------------------------------------------------

    /**
     * Takes a request from the transport: absorbs it into the server transaction it belongs to,
     * creates a new server transaction and gives it to the TU, or passes an ACK up.
     *
     * @param channel the channel it arrived on; the transaction's responses go back through it
     * @return what was done; on {@link RequestDisposition#REFUSED_OVERLOAD} answer 503 and on
     *         {@link RequestDisposition#INVALID} answer 400, both statelessly
     */
    public RequestDisposition requestReceived(SipRequest request, TransactionChannel channel) {
        RequestIdentity id = RequestIdentity.of(request);
        if (id == null) {
            counters.countInvalid();
            return RequestDisposition.INVALID;
        }
        if (SipMethod.ACK.equals(id.method)) {
            return ackReceived(request, channel, id);
        }
        Object key = id.serverKey(id.method.name(), id.toTag);
        Object existing;
        while ((existing = serverTransactions.get(key)) != null) {
            if (existing instanceof CompletedEntry entry) {
                if (!entry.isExpired(timer.now())) {
                    absorbInto(entry);
                    return RequestDisposition.ABSORBED;
                }
            } else {
                ServerTransaction transaction = (ServerTransaction) existing;
                if (!transaction.isTerminated()) {
                    transaction.requestRetransmitted(request);
                    return RequestDisposition.ABSORBED;
                }
            }
            // Terminated or past Timer J but not yet removed: its absorbing time is over, this is a new request.
            serverTransactions.remove(key, existing);
        }
        boolean completedRoom = completed.hasRoom();
        if (!completedRoom || !reserveServerSlot()) {
            if (completedRoom) {
                counters.countRefused();
            } else {
                counters.countRefusedCompletedMemory();
            }
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Transaction limits reached (%d live of %d; %d completed held in %d of %d bytes, the oldest "
                                + "%d ms old), refusing %s %s", live.get(), config.maxLiveTransactions(), completed.count(),
                        completed.bytes(), config.completedMemoryBytes(), completed.oldestAgeMillis(), id.method.name(),
                        id.callId);
            }
            return RequestDisposition.REFUSED_OVERLOAD;
        }
        ServerTransaction created = SipMethod.INVITE.equals(id.method)
                ? new InviteServerTransaction(this, request, channel, id.branch, key)
                : new NonInviteServerTransaction(this, request, channel, id.branch, key);
        Object raced = serverTransactions.putIfAbsent(key, created);
        if (raced != null) {
            // The same request came in twice at once on two threads: the other one won.
            live.decrementAndGet();
            if (raced instanceof ServerTransaction other) {
                other.requestRetransmitted(request);
            } else {
                absorbInto((CompletedEntry) raced);
            }
            return RequestDisposition.ABSORBED;
        }
        counters.transactionCreated(created.kind());
        created.start();
        if (SipMethod.CANCEL.equals(id.method)) {
            notifyCancel(created, request, findInviteServerTransaction(id));
        } else {
            notifyRequest(created, request);
        }
        return RequestDisposition.NEW_TRANSACTION;
    }

    /** A retransmission matched a lean entry: the final response again (Completed), or nothing (Accepted, RFC 6026 §7.1). */
    private void absorbInto(CompletedEntry entry) {
        counters.countAbsorbed();
        if (!entry.isAccepted()) {
            counters.countRetransmission();
            entry.response.resend();
        }
    }

    private RequestDisposition ackReceived(SipRequest ack, TransactionChannel channel, RequestIdentity id) {
        // §17.2.3: "the method of the request matches the one that created the transaction, except
        // for ACK, where the method of the request that created the transaction is INVITE."
        Object matched = serverTransactions.get(id.serverKey(SipMethod.INVITE.name(), id.toTag));
        if (matched instanceof InviteServerTransaction invite) {
            if (!invite.ackReceived()) {
                return RequestDisposition.ACK_CONSUMED;
            }
            notifyAck(ack, channel, invite);
            return RequestDisposition.ACK_PASSED_UP;
        }
        if (matched instanceof CompletedEntry entry && entry.isAccepted() && !entry.isExpired(timer.now())) {
            // RFC 6026 §7.1: an ACK matching in Accepted goes to the TU; only the entry is left of the transaction.
            notifyAck(ack, channel, null);
            return RequestDisposition.ACK_PASSED_UP;
        }
        counters.countStrayAck();
        notifyAck(ack, channel, null);
        return RequestDisposition.ACK_PASSED_UP;
    }

    /**
     * Takes a response from the transport and gives it to its client transaction (§17.1.3), or to
     * the TU as a stray response. A response without a usable top Via or CSeq is dropped (§18.1.2).
     */
    public void responseReceived(SipResponse response, TransactionChannel channel) {
        ClientTransactionKey key;
        try {
            Via via = response.getTopVia();
            CSeq cseq = response.getCSeq();
            if (via == null || via.branch() == null || cseq == null) {
                LOG.debugf("Dropping %d response without top Via branch or CSeq", response.getStatus());
                counters.countInvalid();
                return;
            }
            key = new ClientTransactionKey(via.branch(), cseq.method().name());
        } catch (RuntimeException malformed) {
            LOG.debugf("Dropping %d response with a malformed Via or CSeq: %s", response.getStatus(), malformed.getMessage());
            counters.countInvalid();
            return;
        }
        Object held = clientTransactions.get(key);
        if (held instanceof ClientTransaction transaction) {
            if (transaction.responseReceived(response)) {
                return;
            }
            // Terminated an instant ago: it may have handed Accepted over to its entry meanwhile.
            held = clientTransactions.get(key);
        }
        if (held instanceof CompletedEntry entry && !entry.isExpired(timer.now())) {
            // RFC 6026 §8.4: in Accepted every 2xx goes to the TU, anything else is dropped.
            int status = response.getStatus();
            if (status >= 200 && status < 300) {
                notifyAcceptedResponse(response, entry.retained, channel);
            }
            return;
        }
        // RFC 6026 §7.3 / RFC 3261 §16.7: a proxy forwards stray responses (2xx above all) statelessly.
        counters.countStrayResponse();
        notifyStrayResponse(response, channel);
    }

    /**
     * The INVITE server transaction a CANCEL targets (RFC 3261 §9.2), or {@code null}: the same
     * matching as for the INVITE itself, with method INVITE.
     */
    public InviteServerTransaction findCancelTarget(SipRequest cancel) {
        RequestIdentity id = RequestIdentity.of(cancel);
        return id == null ? null : findInviteServerTransaction(id);
    }

    private InviteServerTransaction findInviteServerTransaction(RequestIdentity id) {
        Object target = serverTransactions.get(id.serverKey(SipMethod.INVITE.name(), id.toTag));
        return target instanceof InviteServerTransaction invite && !invite.isTerminated() ? invite : null;
    }

    // ---- outgoing --------------------------------------------------------------------------

    /**
     * Starts a client transaction: registers it, sends the request on {@code channel} and arms
     * its timers. Responses come to {@link TransactionUser#responseReceived}.
     *
     * @param request a request with a top Via carrying a branch unique to this transaction (use
     *                {@link #newBranch()}); for a CANCEL the branch of the INVITE (§9.1)
     * @throws IllegalArgumentException for an ACK (the ACK for non-2xx is sent by the INVITE client
     *                                  transaction, the ACK for 2xx by the TU without a transaction,
     *                                  §17.1.1.3 and §13.2.2.4), or a request without a top Via branch
     * @throws IllegalStateException    if a live client transaction already has that branch and method
     */
    public ClientTransaction sendRequest(SipRequest request, TransactionChannel channel) {
        Objects.requireNonNull(channel, "channel");
        SipMethod method = request.getMethod();
        if (SipMethod.ACK.equals(method)) {
            throw new IllegalArgumentException("An ACK is not sent in a client transaction (RFC 3261 §17.1.1.3, §13.2.2.4)");
        }
        Via via = request.getTopVia();
        if (via == null || via.branch() == null || via.branch().isEmpty()) {
            throw new IllegalArgumentException("The request needs a top Via with a branch parameter (RFC 3261 §8.1.1.7)");
        }
        ClientTransactionKey key = new ClientTransactionKey(via.branch(), method.name());
        ClientTransaction transaction = SipMethod.INVITE.equals(method)
                ? new InviteClientTransaction(this, request, channel, key)
                : new NonInviteClientTransaction(this, request, channel, key);
        if (clientTransactions.putIfAbsent(key, transaction) != null) {
            throw new IllegalStateException("A client transaction with branch " + key.branch() + " and method "
                    + key.method() + " is live already");
        }
        live.incrementAndGet();
        counters.transactionCreated(transaction.kind());
        transaction.start();
        return transaction;
    }

    // ---- for the transactions --------------------------------------------------------------

    private boolean reserveServerSlot() {
        int max = config.maxLiveTransactions();
        int current;
        do {
            current = live.get();
            if (current >= max) {
                return false;
            }
        } while (!live.compareAndSet(current, current + 1));
        return true;
    }

    /**
     * An INVITE server transaction with an RFC 2543 key sends its final response: the ACK will
     * carry the response's To tag (§17.2.3), so the transaction is also found under that tag.
     */
    void registerAckKey(InviteServerTransaction transaction, SipResponse response) {
        if (transaction.key instanceof LegacyServerTransactionKey legacy && transaction.ackKey == null) {
            String toTag = response.getToTag();
            if (toTag != null && !toTag.equals(legacy.toTag())) {
                LegacyServerTransactionKey ackKey = legacy.withToTag(toTag);
                if (serverTransactions.putIfAbsent(ackKey, transaction) == null) {
                    transaction.ackKey = ackKey;
                }
            }
        }
    }

    /**
     * A non-INVITE server transaction on an unreliable channel sent its final response: a lean entry takes its
     * place in the table until Timer J. Called with the transaction's monitor held, before it terminates.
     *
     * @return {@code false} if the transaction was no longer in the table (nothing is held for it)
     */
    boolean holdCompleted(ServerTransaction transaction, RetainedResponse response) {
        return completed.add(transaction, response, keyBytes(transaction)) != null;
    }

    /**
     * An INVITE client transaction passed its first 2xx to the TU: a lean entry with its key and {@code retained} (the
     * TU's attachment) takes its place in the table until Timer M. Called with the transaction's monitor held, before
     * it terminates.
     *
     * @return when Timer M fires, on the layer's clock; 0 if the transaction was no longer in the table
     */
    long holdAcceptedClient(InviteClientTransaction transaction, Object retained) {
        return completed.addAcceptedClient(transaction, retained);
    }

    /**
     * An INVITE server transaction sent a 2xx: a lean entry (its key) takes its place in the table until Timer L and
     * absorbs the INVITE's retransmissions. Called with the transaction's monitor held, before the 2xx is sent.
     */
    void holdAccepted(InviteServerTransaction transaction) {
        completed.add(transaction, null, keyBytes(transaction));
    }

    private static int keyBytes(ServerTransaction transaction) {
        return transaction.key instanceof ServerTransactionKey key ? key.stringBytes()
                : ((LegacyServerTransactionKey) transaction.key).stringBytes();
    }

    /** Called exactly once per transaction, when it has reached Terminated (or was replaced by a lean entry). */
    void transactionTerminated(Transaction transaction) {
        if (transaction instanceof ClientTransaction client) {
            clientTransactions.remove(client.key, client);
        } else if (transaction instanceof ServerTransaction server) {
            serverTransactions.remove(server.key, server);
            if (server instanceof InviteServerTransaction invite && invite.ackKey != null) {
                serverTransactions.remove(invite.ackKey, invite);
            }
        }
        live.decrementAndGet();
        counters.transactionEnded(transaction.kind());
        try {
            user.transactionTerminated(transaction);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on termination of %s", transaction);
        }
    }

    void notifyTimeout(Transaction transaction) {
        counters.countTimeout();
        try {
            user.timeout(transaction);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on timeout of %s", transaction);
        }
    }

    void notifyTransportError(Transaction transaction, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Transport error in %s: %s", transaction, cause);
        }
        try {
            user.transportError(transaction, cause);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on transport error of %s", transaction);
        }
    }

    void notifyResponse(ClientTransaction transaction, SipResponse response) {
        try {
            user.responseReceived(transaction, response);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on response %d in %s", response.getStatus(), transaction);
        }
    }

    private void notifyRequest(ServerTransaction transaction, SipRequest request) {
        try {
            user.requestReceived(transaction, request);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on request in %s", transaction);
        }
    }

    private void notifyCancel(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        try {
            user.cancelReceived(transaction, cancel, target);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on CANCEL in %s", transaction);
        }
    }

    private void notifyAck(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        try {
            user.ackReceived(ack, channel, accepted);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on ACK (Call-ID %s)", ack.getCallId());
        }
    }

    private void notifyAcceptedResponse(SipResponse response, Object retained, TransactionChannel channel) {
        try {
            user.acceptedResponseReceived(response, retained, channel);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on %d response in Accepted (Call-ID %s)", response.getStatus(),
                    response.getCallId());
        }
    }

    private void notifyStrayResponse(SipResponse response, TransactionChannel channel) {
        try {
            user.strayResponse(response, channel);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Transaction user failed on stray response %d", response.getStatus());
        }
    }

    /**
     * What §17.2.3 matches a request on, read once. {@code null} from {@link #of} when a field the
     * matching needs is missing or malformed, or CSeq method and request method differ.
     */
    private static final class RequestIdentity {
        final SipRequest request;
        final SipMethod method;
        final String branch;
        final String sentByHost;
        final int sentByPort;
        final boolean rfc3261;
        final String callId;
        final long cseq;
        final String toTag;

        private RequestIdentity(SipRequest request, SipMethod method, Via via, String callId, long cseq, String toTag) {
            this.request = request;
            this.method = method;
            this.branch = via.branch();
            this.sentByHost = via.host() == null ? "" : via.host().toLowerCase(Locale.ROOT);
            this.sentByPort = via.port();
            this.rfc3261 = BranchGenerator.hasMagicCookie(branch);
            this.callId = callId;
            this.cseq = cseq;
            this.toTag = toTag;
        }

        static RequestIdentity of(SipRequest request) {
            try {
                SipMethod method = request.getMethod();
                Via via = request.getTopVia();
                CSeq cseq = request.getCSeq();
                String callId = request.getCallId();
                if (via == null || cseq == null || callId == null || !cseq.method().equals(method)) {
                    if (LOG.isDebugEnabled()) {
                        LOG.debugf("Request %s unmatchable: top Via %s, CSeq %s, Call-ID %s", method.name(), via, cseq, callId);
                    }
                    return null;
                }
                return new RequestIdentity(request, method, via, callId, cseq.sequence(), request.getToTag());
            } catch (RuntimeException malformed) {
                LOG.debugf("Request unmatchable, malformed Via, CSeq, Call-ID or To: %s", malformed.getMessage());
                return null;
            }
        }

        /** The table key under which a transaction created by method {@code method} with To tag {@code tag} is found. */
        Object serverKey(String matchMethod, String tag) {
            if (rfc3261) {
                return new ServerTransactionKey(branch, sentByHost, sentByPort, matchMethod);
            }
            return new LegacyServerTransactionKey(request.getRequestUri().toString(), tag, fromTag(), callId, cseq,
                    matchMethod, request.getHeader(HeaderName.VIA));
        }

        private String fromTag() {
            return request.getFromTag();
        }
    }
}
