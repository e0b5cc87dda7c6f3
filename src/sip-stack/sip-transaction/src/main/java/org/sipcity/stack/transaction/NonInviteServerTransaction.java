package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.TimerHandle;

/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2, Figure 8.
 *
 * <pre>
 *                           |Request received
 *                           |pass to TU
 *                           V
 *                     +-----------+
 *                     |           |
 *                     | Trying    |-------------+
 *                     |           |             |
 *                     +-----------+             |200-699 from TU
 *                           |                   |send response
 *                           |1xx from TU        |
 *                           |send response      |
 *                           |                   |
 *        Request            V      1xx from TU  |
 *        send response+-----------+send response|
 *            +--------|           |--------+    |
 *            |        | Proceeding|        |    |
 *            +-------&gt;|           |&lt;-------+    |
 *     +&lt;--------------|           |             |
 *     |Trnsprt Err    +-----------+             |
 *     |Inform TU            |                   |
 *     |                     |                   |
 *     |                     |200-699 from TU    |
 *     |                     |send response      |
 *     |  Request            V                   |
 *     |  send response+-----------+             |
 *     |      +--------|           |             |
 *     |      |        | Completed |&lt;------------+
 *     |      +-------&gt;|           |
 *     +&lt;--------------|           |
 *     |Trnsprt Err    +-----------+
 *     |Inform TU            |
 *     |                     |Timer J fires
 *     |                     |-
 *     |                     |
 *     |                     V
 *     |               +-----------+
 *     |               |           |
 *     +--------------&gt;| Terminated|
 *                     |           |
 *                     +-----------+
 * </pre>
 *
 * <p>Decisions:
 * <ul>
 *   <li>§17.2.2: retransmissions received in Trying "MUST be discarded"; in Proceeding and
 *       Completed the last response is sent again.</li>
 *   <li>Timer J is 64·T1 on unreliable channels and zero on reliable ones: the final response ends
 *       the transaction at once there.</li>
 *   <li>On unreliable channels the Completed state is lean: the final response is handed to the channel
 *       once to be kept encoded ({@link TransactionChannel#sendRetained}), and a {@link CompletedEntry}
 *       holding only the table key and that response takes the transaction's place in the table until
 *       Timer J; the transaction object, its parsed messages and timers are released, and the TU is told
 *       the transaction terminated. This object still reports {@link TransactionState#COMPLETED} until
 *       Timer J. A transport error on a resent response is counted by the channel, not reported (no TU
 *       is left to tell).</li>
 *   <li>Not in the RFC: a transaction whose TU never sends a final response ends after
 *       {@link TransactionConfig#nonInviteServerGuard()} with a timeout to the TU, so that a lost
 *       request in the TU cannot hold a slot of the live-transaction limit forever.</li>
 * </ul>
 */
public final class NonInviteServerTransaction extends ServerTransaction {

    private TimerHandle guardTimer;
    /** The final response as the channel keeps it, once handed to a lean entry; guarded by {@code this}. */
    private RetainedResponse retained;
    /** When Timer J fires, on the layer's clock, once {@link #retained} is set; guarded by {@code this}. */
    private long completedUntil;

    NonInviteServerTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel, String branch,
                               Object key) {
        super(layer, request, channel, branch, key, TransactionState.TRYING);
    }

    @Override
    public TransactionKind kind() {
        return TransactionKind.NON_INVITE_SERVER;
    }

    @Override
    void start() {
        synchronized (this) {
            guardTimer = schedule(this::guardTimerFired, config.nonInviteServerGuard());
        }
    }

    @Override
    public boolean sendResponse(SipResponse response) {
        int status = checkStatus(response);
        boolean sent;
        synchronized (this) {
            if (state != TransactionState.TRYING && state != TransactionState.PROCEEDING) {
                sent = false;
            } else {
                lastResponse = response;
                if (status < 200) {
                    state = TransactionState.PROCEEDING;
                    send(response);
                } else {
                    state = TransactionState.COMPLETED;
                    cancel(guardTimer);
                    if (reliable) {
                        send(response);
                        terminateLocked(); // Timer J = 0
                    } else {
                        completeUnreliableLocked(response);
                    }
                }
                sent = true;
            }
        }
        afterTransition();
        return sent;
    }

    /** Sends the final response to be kept, hands the Completed state to a lean entry and terminates. */
    private void completeUnreliableLocked(SipResponse response) {
        RetainedResponse kept = sendRetained(response);
        if (state != TransactionState.COMPLETED) {
            return; // the send failed at once: terminated, and the TU hears of it
        }
        retained = kept;
        completedUntil = layer.timer().now() + config.timerJ(false);
        layer.holdCompleted(this, kept);
        terminateLocked();
    }

    @Override
    TransactionState visibleStateLocked() {
        if (state == TransactionState.TERMINATED && retained != null && layer.timer().now() < completedUntil) {
            return TransactionState.COMPLETED;
        }
        return state;
    }

    @Override
    void requestRetransmitted(SipRequest retransmission) {
        synchronized (this) {
            layer.counters().countAbsorbed();
            if (retained != null) {
                // Matched the transaction just before its lean entry replaced it.
                layer.counters().countRetransmission();
                retained.resend();
            } else if ((state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED) && lastResponse != null) {
                resend(lastResponse);
            }
        }
        afterTransition();
    }

    private void guardTimerFired() {
        boolean timedOut;
        synchronized (this) {
            timedOut = (state == TransactionState.TRYING || state == TransactionState.PROCEEDING) && terminateLocked();
        }
        if (timedOut) {
            layer.notifyTimeout(this);
        }
        afterTransition();
    }

    @Override
    void cancelTimersLocked() {
        cancel(guardTimer);
    }
}
