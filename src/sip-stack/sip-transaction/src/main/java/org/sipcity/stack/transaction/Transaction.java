package org.sipcity.stack.transaction;

import org.jboss.logging.Logger;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.TimerHandle;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One SIP transaction (RFC 3261 §17): a request and the responses it gets, driven by a state
 * machine.
 *
 * <p>Locking: every state change happens under the transaction's own monitor, taken by the thread
 * that delivers a message (the flow's event loop), by the timer thread and by the TU sending a
 * response. Messages are handed to the channel under the monitor, so a retransmission can never
 * overtake the response that replaced it. TU callbacks are made after the monitor is released.
 */
public abstract sealed class Transaction permits ClientTransaction, ServerTransaction {

    private static final Logger LOG = Logger.getLogger(Transaction.class);

    final TransactionLayer layer;
    final TransactionConfig config;
    final SipRequest request;
    final TransactionChannel channel;
    final boolean reliable;
    final String branch;

    private final SendFailureListener failureListener = this::sendFailed;

    /** Guarded by {@code this}. */
    TransactionState state;
    /** A send failure not yet told to the TU; guarded by {@code this}. */
    private Throwable pendingFailure;
    /** Guarded by {@code this}. */
    private boolean terminationReported;
    /** True while the monitor's holder is inside {@code channel.send}; guarded by {@code this}. */
    private boolean sending;

    private volatile Object attachment;

    Transaction(TransactionLayer layer, SipRequest request, TransactionChannel channel, String branch,
                TransactionState initialState) {
        this.layer = layer;
        this.config = layer.config();
        this.request = request;
        this.channel = channel;
        this.reliable = channel.isReliable();
        this.branch = branch;
        this.state = initialState;
    }

    /** Which of the four state machines this is. */
    public abstract TransactionKind kind();

    /** The request that created the transaction. Do not modify it. */
    public SipRequest request() {
        return request;
    }

    /** The channel the transaction sends on. */
    public TransactionChannel channel() {
        return channel;
    }

    /**
     * Branch parameter of the top Via of the request. On a server transaction it may lack the magic
     * cookie, or be {@code null}, for an RFC 2543 peer.
     */
    public String branch() {
        return branch;
    }

    public synchronized TransactionState state() {
        return visibleStateLocked();
    }

    public synchronized boolean isTerminated() {
        return visibleStateLocked() == TransactionState.TERMINATED;
    }

    /**
     * The state as {@link #state()} reports it; called with the monitor held. A non-INVITE server transaction
     * whose Completed state was handed to a lean entry reads Completed until its Timer J.
     */
    TransactionState visibleStateLocked() {
        return state;
    }

    /** The TU's object for this transaction (a proxy branch, a registration), or {@code null}. */
    public Object attachment() {
        return attachment;
    }

    /** Attaches the TU's object; visible to every thread. */
    public void attach(Object value) {
        this.attachment = value;
    }

    // ---- for the state machines -------------------------------------------------------------

    /** Hands a message to the channel; call with the monitor held, as the last step of a transition. */
    final void send(SipMessage message) {
        sending = true;
        try {
            channel.send(message, failureListener);
        } finally {
            sending = false;
        }
    }

    /** Same as {@link #send} for a final response the channel keeps for resending ({@link TransactionChannel#sendRetained}). */
    final RetainedResponse sendRetained(SipResponse response) {
        sending = true;
        try {
            return channel.sendRetained(response, failureListener);
        } finally {
            sending = false;
        }
    }

    /** Same as {@link #send} and counted as a retransmission. */
    final void resend(SipMessage message) {
        layer.counters().countRetransmission();
        send(message);
    }

    final TimerHandle schedule(Runnable task, long delayMillis) {
        try {
            return layer.timer().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Only while the stack shuts down (or with a bounded wheel that is full): the
            // transaction loses this timer and is cleaned up with the layer.
            LOG.warnf("Timer refused for %s: %s", this, e.getMessage());
            return null;
        }
    }

    static void cancel(TimerHandle handle) {
        if (handle != null) {
            handle.cancel();
        }
    }

    /**
     * Moves to Terminated and cancels every timer; call with the monitor held.
     *
     * @return {@code true} if this call terminated the transaction
     */
    final boolean terminateLocked() {
        if (state == TransactionState.TERMINATED) {
            return false;
        }
        state = TransactionState.TERMINATED;
        cancelTimersLocked();
        return true;
    }

    /**
     * Whether a transport error leaves the transaction in its current state (it is reported to the
     * TU all the same); called with the monitor held. Only RFC 6026's Accepted server state does.
     */
    boolean survivesTransportErrorLocked() {
        return false;
    }

    /** Cancels every armed timer; called with the monitor held when the transaction terminates. */
    abstract void cancelTimersLocked();

    /**
     * Tells the TU what is owed after a transition: a transport error found while sending, then
     * termination. Call at the end of every entry point, without the monitor.
     */
    final void afterTransition() {
        Throwable failure;
        boolean reportTermination;
        synchronized (this) {
            failure = pendingFailure;
            pendingFailure = null;
            reportTermination = state == TransactionState.TERMINATED && !terminationReported;
            if (reportTermination) {
                terminationReported = true;
            }
        }
        if (failure != null) {
            layer.notifyTransportError(this, failure);
        }
        if (reportTermination) {
            layer.transactionTerminated(this);
        }
    }

    /**
     * RFC 3261 §17.1.4 / §17.2.4: a transport failure ends the transaction (except where
     * {@link #survivesTransportErrorLocked()}) and is reported to the TU. Trying the next address
     * (§18.2.2, RFC 3263) is the channel's business before it reports a failure.
     */
    private void sendFailed(SipMessage message, Throwable cause) {
        synchronized (this) {
            if (state == TransactionState.TERMINATED) {
                return;
            }
            if (!survivesTransportErrorLocked()) {
                terminateLocked();
            }
            pendingFailure = cause;
            layer.counters().countTransportError();
            if (sending) {
                // Only the monitor's holder can be inside send(), so the failure is reported from
                // within it, on this thread: the entry point that called send() delivers the
                // callbacks once it has released the monitor.
                return;
            }
        }
        afterTransition();
    }

    @Override
    public String toString() {
        return kind() + "[" + branch + ", " + request.getMethod().name() + ", " + state + "]";
    }
}
