package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.TimerHandle;

/**
 * Non-INVITE client transaction: RFC 3261 §17.1.2, Figure 6.
 *
 * <pre>
 *                                    |Request from TU
 *                                    |send request
 *                Timer E             V
 *                send request  +-----------+
 *                    +---------|           |-------------------+
 *                    |         |  Trying   |  Timer F          |
 *                    +--------&gt;|           |  or Transport Err.|
 *                              +-----------+  inform TU        |
 *                 200-699         |  |                         |
 *                 resp. to TU     |  |1xx                      |
 *                 +---------------+  |resp. to TU              |
 *                 |                  |                         |
 *                 |   Timer E        V       Timer F           |
 *                 |   send req +-----------+ or Transport Err. |
 *                 |  +---------|           | inform TU         |
 *                 |  |         |Proceeding |------------------&gt;|
 *                 |  +--------&gt;|           |-----+             |
 *                 |  1xx       +-----------+     |             |
 *                 |  resp to TU                  |             |
 *                 | 200-699                      |             |
 *                 | resp. to TU                  |             |
 *                 V                              V             |
 *          +-----------+                                       |
 *          |           |                                       |
 *          | Completed |                                       |
 *          |           |                                       |
 *          +-----------+                                       |
 *                |                                             |
 *                | Timer K                                     |
 *                | -                                           |
 *                V                                             |
 *          +-----------+                                       |
 *          |           |                                       |
 *          | Terminated|&lt;--------------------------------------+
 *          |           |
 *          +-----------+
 * </pre>
 *
 * <p>Decisions:
 * <ul>
 *   <li>Timer E only on unreliable channels: T1, then min(2·previous, T2) in Trying; T2 in
 *       Proceeding (§17.1.2.2).</li>
 *   <li>Timer F runs in Trying and Proceeding; its firing is a timeout for the TU.</li>
 *   <li>Retransmitted final responses received in Completed are absorbed (§17.1.2.2); Timer K is
 *       T4 on unreliable channels and zero on reliable ones.</li>
 * </ul>
 */
public final class NonInviteClientTransaction extends ClientTransaction {

    private TimerHandle timerE;
    private TimerHandle timerF;
    private TimerHandle timerK;
    private long timerEInterval;

    NonInviteClientTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel,
                               ClientTransactionKey key) {
        super(layer, request, channel, key, TransactionState.TRYING);
    }

    @Override
    public TransactionKind kind() {
        return TransactionKind.NON_INVITE_CLIENT;
    }

    @Override
    void start() {
        synchronized (this) {
            if (!reliable) {
                timerEInterval = config.timerE();
                timerE = schedule(this::timerEFired, timerEInterval);
            }
            timerF = schedule(this::timerFFired, config.timerF());
            send(request);
        }
        afterTransition();
    }

    @Override
    boolean responseReceived(SipResponse response) {
        int status = response.getStatus();
        boolean passUp = false;
        synchronized (this) {
            if (state == TransactionState.TERMINATED) {
                // Ended an instant ago, not yet out of the table: the layer treats it as stray.
                return false;
            }
            switch (state) {
                case TRYING, PROCEEDING -> {
                    passUp = true;
                    if (status < 200) {
                        state = TransactionState.PROCEEDING;
                    } else {
                        state = TransactionState.COMPLETED;
                        cancel(timerE);
                        cancel(timerF);
                        long timerKValue = config.timerK(reliable);
                        if (timerKValue > 0) {
                            timerK = schedule(this::timerKFired, timerKValue);
                        } else {
                            terminateLocked();
                        }
                    }
                }
                case COMPLETED -> layer.counters().countAbsorbed();
                default -> {
                    // Terminated: handled above.
                }
            }
        }
        if (passUp) {
            layer.notifyResponse(this, response);
        }
        afterTransition();
        return true;
    }

    private void timerEFired() {
        synchronized (this) {
            if (state == TransactionState.TRYING) {
                timerEInterval = Math.min(2 * timerEInterval, config.t2());
            } else if (state == TransactionState.PROCEEDING) {
                timerEInterval = config.t2();
            } else {
                return;
            }
            timerE = schedule(this::timerEFired, timerEInterval);
            resend(request);
        }
        afterTransition();
    }

    private void timerFFired() {
        boolean timedOut;
        synchronized (this) {
            timedOut = (state == TransactionState.TRYING || state == TransactionState.PROCEEDING) && terminateLocked();
        }
        if (timedOut) {
            layer.notifyTimeout(this);
        }
        afterTransition();
    }

    private void timerKFired() {
        synchronized (this) {
            if (state == TransactionState.COMPLETED) {
                terminateLocked();
            }
        }
        afterTransition();
    }

    @Override
    void cancelTimersLocked() {
        cancel(timerE);
        cancel(timerF);
        cancel(timerK);
    }
}
