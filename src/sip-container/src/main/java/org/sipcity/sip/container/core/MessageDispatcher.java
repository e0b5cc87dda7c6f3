package org.sipcity.sip.container.core;

import java.io.IOException;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.spec.FlowRoutes;
import org.sipcity.sip.container.spec.MessageEndpoints;
import org.sipcity.sip.container.spec.Messages;
import org.sipcity.sip.container.spec.ProxyBranchImpl;
import org.sipcity.sip.container.spec.ProxyImpl;
import org.sipcity.sip.container.spec.SipApplicationSessionImpl;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.sip.container.spec.SipServletResponseImpl;
import org.sipcity.sip.container.spec.SipSessionImpl;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/**
 * The container as the stack's transaction user. Runs on event loops and the timer thread, so it only sorts: it finds
 * the session a message belongs to (or decides the request is initial), wraps the message, and queues the servlet
 * call in that application session's {@link SerialQueue}. What it answers itself, it answers at once and statelessly
 * within the transaction: 481 for a request of an unknown dialog (RFC 3261 §12.2.2), 503 + Retry-After when the
 * worker queue is full (RFC 3261 §21.5.4), 200/487 for CANCEL (§9.2).
 *
 * <p>With the container's default application router, the application of an initial request is selected here on the
 * event loop (the router is a table lookup). An application declared {@code inline} then runs the task on this
 * event loop when its session's queue is idle ({@link SerialQueue#submitFromEventLoop}); every other one, and every
 * message that reaches us on the timer thread or from a worker, goes to the worker pool. With an application router
 * of the embedder's (which may block) selection stays on a worker and so do the sessions it makes.
 */
public final class MessageDispatcher implements TransactionUser {

    private static final Logger LOG = Logger.getLogger(MessageDispatcher.class);

    private final ContainerRuntime runtime;
    private final ApplicationSelector selector;
    private final ServletInvoker invoker;

    MessageDispatcher(ContainerRuntime runtime, ApplicationSelector selector) {
        this.runtime = runtime;
        this.selector = selector;
        this.invoker = new ServletInvoker();
        runtime.localResponses((request, response) -> deliver(request, response, false));
    }

    private SipStack stackOrNull() {
        try {
            return runtime.stack();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    // ---- requests ---------------------------------------------------------------------------------------------

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        MessageEndpoints endpoints = ReceivedEndpoints.of(request, transaction.channel(), stackOrNull());
        String toTag = request.getToTag();
        if (toTag != null) {
            subsequent(transaction, request, endpoints, toTag);
            return;
        }
        SipServletRequestImpl wrapped = new SipServletRequestImpl(request, transaction, endpoints, true);
        LocalRoutes.popIfOurs(wrapped, stackOrNull(), runtime.config().advertisedHost());
        transaction.attach(wrapped);
        if (!selector.selectsOnEventLoop()) {
            SerialQueue queue = new SerialQueue(runtime.workers());
            if (!queue.submit(() -> initial(wrapped, queue), true)) {
                answerBusy(transaction, request);
            }
            return;
        }
        SipApplication application = selectOrAnswer(wrapped);
        if (application == null) {
            return;
        }
        SerialQueue queue = application.newQueue();
        if (!queue.submitFromEventLoop(() -> enterApplication(wrapped, application, queue), true)) {
            answerBusy(transaction, request);
        }
    }

    /**
     * RFC 3261 §12.2.2: a request with a To tag belongs to a dialog we know, or — when it came by a Route we
     * record-routed as a proxy (§16.4) — is forwarded along; anything else gets 481.
     */
    private void subsequent(ServerTransaction transaction, SipRequest request, MessageEndpoints endpoints, String toTag) {
        SipServletRequestImpl wrapped = new SipServletRequestImpl(request, transaction, endpoints, false);
        LocalRoutes.popIfOurs(wrapped, stackOrNull(), runtime.config().advertisedHost());
        transaction.attach(wrapped);
        SipSessionImpl session = runtime.dialogs().find(request.getCallId(), toTag, request.getFromTag());
        if (session == null || !session.isValid()) {
            if (wrapped.getPoppedRoute() != null) {
                SipSessionImpl proxied = proxiedDialogOf(request);
                SerialQueue queue = proxied == null ? new SerialQueue(runtime.workers()) : proxied.applicationSession().queue();
                if (!queue.submitFromEventLoop(() -> ProxyImpl.forwardByRoute(wrapped, queue, runtime.sender(), proxied), false)) {
                    answerBusy(transaction, request);
                }
                return;
            }
            answer(transaction, request, 481, "Call/Transaction Does Not Exist");
            return;
        }
        wrapped.bindTo(session);
        if (!session.applicationSession().queue().submitFromEventLoop(() -> invoker.request(wrapped), false)) {
            answerBusy(transaction, request);
        }
    }

    /** On a worker (an application router of the embedder's): ask the router, create the sessions, call the main servlet. */
    private void initial(SipServletRequestImpl request, SerialQueue queue) {
        SipApplication application = selectOrAnswer(request);
        if (application != null) {
            enterApplication(request, application, queue);
        }
    }

    /** The application the router selects for {@code request}, or null once the request is answered (500, 503, 404). */
    private SipApplication selectOrAnswer(SipServletRequestImpl request) {
        SipApplication application;
        try {
            application = selector.select(request);
        } catch (RuntimeException e) {
            LOG.errorf(e, "The application router failed for %s %s", request.getMethod(), request.getRequestURI());
            answer(request.serverTransaction(), request.stackMessage(), 500, "Server Internal Error - application router failed");
            return null;
        }
        if (application == null && selector.applications().isEmpty()) {
            // No application at all is maintenance (RFC 3261 §21.5.4), not a user that does not exist: the connectors
            // open before the server's deployments are done (measured in WildFly: 12 s between the SIP stack answering
            // and the registrar deployed on one busy core), and an operator redeploys the only application; a 404
            // would tell a phone its registration failed for good.
            SipResponse notYet = response(request.stackMessage(), 503, "Service Unavailable - no application deployed");
            notYet.setHeader(HeaderName.RETRY_AFTER, Integer.toString(runtime.config().retryAfterSeconds()));
            send(request.serverTransaction(), notYet);
            return null;
        }
        if (application == null) {
            // JSR 289 §15.4.1 would route the request out by its Request-URI; here that is a proxy application's job,
            // and a server that forwarded what no application claimed could loop requests for its own domain.
            answer(request.serverTransaction(), request.stackMessage(), 404, "Not Found - no application for this request");
        }
        return application;
    }

    /** In the request's queue: the {@code @SipApplicationKey} method, the sessions, the main servlet. */
    private void enterApplication(SipServletRequestImpl request, SipApplication application, SerialQueue queue) {
        String key;
        try {
            key = application.applicationKey(request);
        } catch (RuntimeException e) {
            LOG.errorf(e, "The @SipApplicationKey method of %s failed", application.name());
            answer(request.serverTransaction(), request.stackMessage(), 500, "Server Internal Error - application key failed");
            return;
        }
        enterSession(request, application, key, queue);
    }

    /**
     * Runs {@code request} in its application session: a new one, or for a {@code @SipApplicationKey} key the live
     * session of that key (JSR 289 §15.11.2), in whose queue the request then waits its turn. Looked up again once
     * there, since the session may have been invalidated meanwhile.
     */
    private void enterSession(SipServletRequestImpl request, SipApplication application, String key, SerialQueue current) {
        if (key == null) {
            // A session of its own: its expiry is armed after this task, by when a REGISTER's is already gone.
            SipApplicationSessionImpl applicationSession = application.sessions().createForRunningRequest(current);
            try {
                run(request, applicationSession);
            } finally {
                applicationSession.armPendingExpiry();
            }
            return;
        }
        SipApplicationSessionImpl applicationSession = application.sessions().byKey(key, true, current);
        SerialQueue queue = applicationSession.queue();
        if (queue != current) {
            if (!queue.submit(() -> enterSession(request, application, key, queue), false)) {
                answerBusy(request.serverTransaction(), request.stackMessage());
            }
            return;
        }
        run(request, applicationSession);
    }

    /** Calls the servlet for an initial request in a new SIP session of {@code applicationSession}. */
    private void run(SipServletRequestImpl request, SipApplicationSessionImpl applicationSession) {
        SipSessionImpl session = SipSessionImpl.forReceived(applicationSession, request.stackMessage());
        session.setRouting(request.getRegion(), request.getSubscriberURI());
        request.bindTo(session);
        invoker.request(request);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        if (target == null || !(target.attachment() instanceof SipServletRequestImpl invite) || invite.sipSession() == null) {
            answer(transaction, cancel, 481, "Call/Transaction Does Not Exist");   // RFC 3261 §9.2
            return;
        }
        answer(transaction, cancel, 200, null);
        SipServletRequestImpl wrapped = new SipServletRequestImpl(cancel, transaction,
                ReceivedEndpoints.of(cancel, transaction.channel(), stackOrNull()), false);
        wrapped.bindTo(invite.sipSession());
        boolean queued = invite.sipSession().applicationSession().queue().submitFromEventLoop(() -> {
            if (invite.proxy() != null) {
                invite.proxy().cancelledUpstream();   // §16.10: the branches are cancelled; their 487s come back
            } else if (!invite.isFinalResponseSent()) {
                // §9.2: the UAS answers the INVITE 487 if it has not sent a final response; then the servlet hears of it.
                try {
                    invite.createResponse(487).send();
                } catch (IOException | IllegalStateException e) {
                    LOG.debugf("487 for a cancelled INVITE not sent: %s", e.getMessage());
                }
            }
            invoker.request(wrapped);
        }, false);
        if (!queued) {
            LOG.warnf("CANCEL for %s not delivered: the worker queue is full", invite.getCallId());
        }
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        SipServletRequestImpl wrapped = new SipServletRequestImpl(ack, null, ReceivedEndpoints.of(ack, channel, stackOrNull()), false);
        LocalRoutes.popIfOurs(wrapped, stackOrNull(), runtime.config().advertisedHost());
        SipSessionImpl session = runtime.dialogs().find(ack.getCallId(), ack.getToTag(), ack.getFromTag());
        if (session == null || !session.isValid()) {
            if (wrapped.getPoppedRoute() != null) {
                // RFC 3261 §16.7 / §13.2.2.4: the ACK for a 2xx we record-routed goes on, without a transaction, in
                // the queue of its dialog's proxy session when known, so that a BYE sent right after it cannot overtake it
                SipSessionImpl proxied = proxiedDialogOf(ack);
                SerialQueue queue = proxied == null ? new SerialQueue(runtime.workers()) : proxied.applicationSession().queue();
                if (!queue.submitFromEventLoop(() -> forwardAck(wrapped), false)) {
                    LOG.warnf("ACK for %s not forwarded: the worker queue is full", ack.getCallId());
                }
            } else if (LOG.isDebugEnabled()) {
                LOG.debugf("ACK of no known dialog dropped (Call-ID %s)", ack.getCallId());
            }
            return;
        }
        session.ackReceived();   // RFC 3261 §13.3.1.4: the 2xx is no longer retransmitted
        wrapped.bindTo(session);
        if (!session.applicationSession().queue().submitFromEventLoop(() -> invoker.request(wrapped), false)) {
            LOG.warnf("ACK for %s dropped: the worker queue is full", ack.getCallId());
        }
    }

    /** The live proxy session of the record-routed dialog {@code request} belongs to, or null. */
    private SipSessionImpl proxiedDialogOf(SipRequest request) {
        SipSessionImpl session = runtime.dialogs().findProxied(request.getCallId(), request.getFromTag(), request.getToTag());
        return session != null && session.isValid() ? session : null;
    }

    /** RFC 3261 §16.6 for an ACK: a copy with Max-Forwards decremented and our Via, sent statelessly. */
    private void forwardAck(SipServletRequestImpl ack) {
        SipRequest copy = Messages.copy(ack.stackMessage());
        int maxForwards = copy.getMaxForwards();
        if (maxForwards == 0) {
            return;   // §16.3: an ACK is never answered; it just goes no further
        }
        copy.setHeader(HeaderName.MAX_FORWARDS, Integer.toString(maxForwards < 0 ? 70 : maxForwards - 1));
        try {
            FlowRoutes.routeTowardsFlow(ack, copy);
            runtime.sender().send(new SipServletRequestImpl(copy, null, false));
        } catch (IOException e) {
            LOG.debugf("ACK for %s not forwarded: %s", ack.getCallId(), e.getMessage());
        }
    }

    // ---- responses --------------------------------------------------------------------------------------------

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        if (transaction.attachment() instanceof AcceptedBranch accepted) {
            accepted.forward(response);   // a fork's 2xx right behind the branch's first, before the layer's entry took over
            return;
        }
        SipServletRequestImpl request = runtime.sender().requestOf(transaction);
        if (request == null) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("%d response for a transaction of no application dropped", response.getStatus());
            }
            return;
        }
        ProxyBranchImpl branch = request.proxyBranch();
        if (branch != null && response.getStatus() >= 200 && response.getStatus() < 300
                && SipMethod.INVITE.equals(request.stackMessage().getMethod())) {
            // RFC 6026 §8.4: until Timer M the layer keeps only the attachment, and the branch's further 2xx need no
            // more than the way upstream: the proxy, its requests and sessions are not held for those 32 s.
            transaction.attach(AcceptedBranch.of(branch.proxy().upstream()));
        }
        deliver(request, response, true);
    }

    /**
     * A further 2xx of an INVITE in Accepted: a proxy branch's goes upstream at once, statelessly; a UAC application's
     * goes to its session as before (its transaction kept the request).
     */
    @Override
    public void acceptedResponseReceived(SipResponse response, Object attachment, TransactionChannel channel) {
        if (attachment instanceof AcceptedBranch accepted) {
            accepted.forward(response);
        } else if (attachment instanceof SipServletRequestImpl request) {
            deliver(request, response, true);
        } else {
            strayResponse(response, channel);
        }
    }

    /** @param onEventLoop whether the caller is the event loop that read {@code response} (an inline task may run here) */
    private void deliver(SipServletRequestImpl request, SipResponse response, boolean onEventLoop) {
        SipServletResponseImpl wrapped = new SipServletResponseImpl(request, response, request.sentOver());
        ProxyBranchImpl branch = request.proxyBranch();
        if (branch != null) {
            if (!submit(branch.proxy().queue(), () -> invoker.proxyResponse(branch, wrapped), onEventLoop)) {
                LOG.warnf("%d response for %s dropped: the worker queue is full", response.getStatus(), request.getCallId());
            }
            return;
        }
        SipSessionImpl session = request.sipSession();
        if (!submit(session.applicationSession().queue(), () -> invoker.response(wrapped), onEventLoop)) {
            LOG.warnf("%d response for %s dropped: the worker queue is full", response.getStatus(), request.getCallId());
        }
    }

    private static boolean submit(SerialQueue queue, Runnable work, boolean onEventLoop) {
        return onEventLoop ? queue.submitFromEventLoop(work, false) : queue.submit(work, false);
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Stray %d response dropped (Call-ID %s)", response.getStatus(), response.getCallId());
        }
    }

    /** JSR 289 §4.1.2 / RFC 3261 §8.1.3.1: a client transaction that times out is reported to the application as 408. */
    @Override
    public void timeout(Transaction transaction) {
        if (transaction instanceof ClientTransaction client) {
            SipServletRequestImpl request = runtime.sender().requestOf(client);
            if (request != null) {
                deliver(request, request.stackMessage().createResponse(408, "Request Timeout"), false);
            }
        } else if (LOG.isDebugEnabled()) {
            LOG.debugf("Server transaction timed out: %s", transaction);
        }
    }

    /** RFC 3261 §8.1.3.1: a transport failure is treated as a 503 from the next hop. */
    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        if (transaction instanceof ClientTransaction client) {
            SipServletRequestImpl request = runtime.sender().requestOf(client);
            if (request != null) {
                deliver(request, request.stackMessage().createResponse(503, "Service Unavailable - transport failure"), false);
            }
        } else if (LOG.isDebugEnabled()) {
            LOG.debugf("Transport error in %s: %s", transaction, cause.getMessage());
        }
    }

    @Override
    public void transactionTerminated(Transaction transaction) {
        if (transaction instanceof ClientTransaction client) {
            runtime.sender().terminated(client);
        }
    }

    // ---- answers from the event loop --------------------------------------------------------------------------

    private void answerBusy(ServerTransaction transaction, SipRequest request) {
        SipResponse busy = response(request, 503, "Service Unavailable - overloaded");
        busy.setHeader(HeaderName.RETRY_AFTER, Integer.toString(runtime.config().retryAfterSeconds()));
        send(transaction, busy);
    }

    private static void answer(ServerTransaction transaction, SipRequest request, int status, String reason) {
        if (SipMethod.ACK.equals(request.getMethod())) {
            return;
        }
        send(transaction, response(request, status, reason));
    }

    private static SipResponse response(SipRequest request, int status, String reason) {
        SipResponse response = request.createResponse(status, reason);
        if (status > 100 && response.getToTag() == null) {
            response.setToTag(Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1L << 62));
        }
        return response;
    }

    private static void send(ServerTransaction transaction, SipResponse response) {
        if (transaction != null && !transaction.sendResponse(response) && LOG.isDebugEnabled()) {
            LOG.debugf("%d not sent: %s no longer accepts responses", response.getStatus(), transaction);
        }
    }
}
