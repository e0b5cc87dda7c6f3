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
 *   <li>Not in the RFC: a transaction whose TU never sends a final response ends after
 *       {@link TransactionConfig#nonInviteServerGuard()} with a timeout to the TU, so that a lost
 *       request in the TU cannot hold a slot of the live-transaction limit forever.</li>
 * </ul>
 */
public final class NonInviteServerTransaction extends ServerTransaction {

    private TimerHandle guardTimer;
    private TimerHandle timerJ;

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
                    long timerJValue = config.timerJ(reliable);
                    if (timerJValue > 0) {
                        timerJ = schedule(this::timerJFired, timerJValue);
                    }
                    send(response);
                    if (timerJValue == 0) {
                        terminateLocked();
                    }
                }
                sent = true;
            }
        }
        afterTransition();
        return sent;
    }

    @Override
    void requestRetransmitted(SipRequest retransmission) {
        synchronized (this) {
            layer.counters().countAbsorbed();
            if ((state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED) && lastResponse != null) {
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

    private void timerJFired() {
        synchronized (this) {
            if (state == TransactionState.COMPLETED) {
                terminateLocked();
            }
        }
        afterTransition();
    }

    @Override
    void cancelTimersLocked() {
        cancel(guardTimer);
        cancel(timerJ);
    }
}
