package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.TimerHandle;

/**
 * INVITE client transaction: RFC 3261 §17.1.1, Figure 5, as updated by RFC 6026 §7.2 (Figure 3
 * there) with the Accepted state.
 *
 * <pre>
 *                                |INVITE from TU
 *              Timer A fires     |INVITE sent
 *              Reset A,          V                      Timer B fires
 *              INVITE sent +-----------+                or Transport Err.
 *                +---------|           |---------------+inform TU
 *                |         |  Calling  |               |
 *                +--------&gt;|           |--------------+|
 *                          +-----------+ 2xx          ||
 *                             |  |       2xx to TU    ||
 *                             |  |1xx                 ||
 *     300-699 +---------------+  |1xx to TU           ||
 *    ACK sent |                  |                    ||
 * resp. to TU |  1xx             V                    ||
 *             |  1xx to TU  -----------+              ||
 *             |  +---------|           |              ||
 *             |  |         |Proceeding |              ||
 *             |  +--------&gt;|           |              ||
 *             |            +-----------+ 2xx          ||
 *             |       300-699    |       2xx to TU    ||
 *             |       ACK sent,  +--------+           ||
 *             |       resp. to TU         |           ||
 *             |                           |           ||
 *             V                           V           ||
 *       +-----------+                +----------+     ||
 *       |           |                |          |     ||
 *       | Completed |                | Accepted |     ||
 *       |           |                |          |     ||
 *       +-----------+                +----------+     ||
 *         ^   |    |                  |   ^           ||
 *         |   |    |                  |   |           ||
 *         +---+    | Timer D fires    |   +-----------+|
 *  300-699         | -              2xx to TU         ||
 *  ACK sent        |                  |               ||
 *                  V        Timer M fires             ||
 *             +------------+  -       |               ||
 *             | Terminated |&lt;---------+               ||
 *             +------------+&lt;--------------------------+
 * </pre>
 *
 * <p>Decisions, with the text that makes them:
 * <ul>
 *   <li>Timer A only on unreliable channels and it doubles without the T2 cap that applies to
 *       Timer E and G: "reset the timer with a value of 2*T1 ... 4*T1" (§17.1.1.2).</li>
 *   <li>Timer B runs in Calling only; in Proceeding the transaction waits for the TU (a proxy's
 *       Timer C, §16.6 step 11, or a CANCEL).</li>
 *   <li>The ACK for a 300-699 response is built here from the original request (§17.1.1.3) and
 *       resent for every retransmission of the final response received in Completed, which is not
 *       passed up.</li>
 *   <li>RFC 6026 §8.4: a 2xx moves to Accepted; every further 2xx (retransmissions, other forks)
 *       goes to the TU, which sends the ACK for 2xx itself (§13.2.2.4). Timer M then ends it. In
 *       Accepted it gives back its slot of the live-transaction count and is charged against the
 *       completed memory instead ({@link TransactionLayer#clientAccepted}): through a stateful proxy
 *       every call leaves one for 32 s.</li>
 * </ul>
 */
public final class InviteClientTransaction extends ClientTransaction {

    private TimerHandle timerA;
    private TimerHandle timerB;
    private TimerHandle timerD;
    private TimerHandle timerM;
    private long timerAInterval;
    /** The INVITE's fields the ACK and CANCEL are built from, read before the INVITE is sent. */
    private final InviteFields inviteFields;
    /** The ACK for the non-2xx final response, resent on its retransmissions; guarded by {@code this}. */
    private SipRequest ack;
    /** Set once, on entering Accepted: from then on charged against the completed memory, not the live count. */
    private volatile boolean accepted;

    InviteClientTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel,
                            ClientTransactionKey key) {
        super(layer, request, channel, key, TransactionState.CALLING);
        this.inviteFields = InviteFields.of(request);
    }

    @Override
    public TransactionKind kind() {
        return TransactionKind.INVITE_CLIENT;
    }

    /**
     * Builds the CANCEL for this INVITE by RFC 3261 §9.1 (same Request-URI, Call-ID, To, From,
     * CSeq number, the INVITE's top Via as its only Via, the INVITE's Route headers). The TU sends
     * it with {@link TransactionLayer#sendRequest}, in its own client transaction, and only once a
     * provisional response has arrived (§9.1).
     */
    public SipRequest createCancel() {
        return inviteFields.cancel();
    }

    /** The ACK this transaction sent for a 300-699 response, or {@code null}. */
    public synchronized SipRequest ack() {
        return ack;
    }

    @Override
    void start() {
        synchronized (this) {
            if (!reliable) {
                timerAInterval = config.timerA();
                timerA = schedule(this::timerAFired, timerAInterval);
            }
            timerB = schedule(this::timerBFired, config.timerB());
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
                case CALLING, PROCEEDING -> {
                    passUp = true;
                    if (status < 200) {
                        leaveCallingLocked();
                        state = TransactionState.PROCEEDING;
                    } else if (status < 300) {
                        leaveCallingLocked();
                        state = TransactionState.ACCEPTED;
                        timerM = schedule(this::timerMFired, config.timerM());
                        accepted = true;
                        layer.clientAccepted(this);
                    } else {
                        leaveCallingLocked();
                        state = TransactionState.COMPLETED;
                        ack = inviteFields.ackFor(response);
                        long timerDValue = config.timerD(reliable);
                        if (timerDValue > 0) {
                            timerD = schedule(this::timerDFired, timerDValue);
                        }
                        send(ack);
                        if (timerDValue == 0) {
                            terminateLocked();
                        }
                    }
                }
                case ACCEPTED -> {
                    // RFC 6026 §8.4: 2xx in Accepted go to the TU; anything else is dropped.
                    passUp = status >= 200 && status < 300;
                }
                case COMPLETED -> {
                    // §17.1.1.2: "Any retransmissions of the final response that are received while in
                    // the "Completed" state MUST cause the ACK to be re-passed to the transport layer
                    // for retransmission, but the newly received response MUST NOT be passed up to the TU."
                    if (status >= 300) {
                        layer.counters().countAbsorbed();
                        resend(ack);
                    }
                }
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

    /** Whether it entered Accepted (and so left the live count for the completed memory). */
    boolean wasAccepted() {
        return accepted;
    }

    private void leaveCallingLocked() {
        cancel(timerA);
        cancel(timerB);
        timerA = null;
        timerB = null;
    }

    private void timerAFired() {
        synchronized (this) {
            if (state != TransactionState.CALLING) {
                return;
            }
            timerAInterval *= 2;
            timerA = schedule(this::timerAFired, timerAInterval);
            resend(request);
        }
        afterTransition();
    }

    private void timerBFired() {
        boolean timedOut;
        synchronized (this) {
            timedOut = state == TransactionState.CALLING && terminateLocked();
        }
        if (timedOut) {
            layer.notifyTimeout(this);
        }
        afterTransition();
    }

    private void timerDFired() {
        synchronized (this) {
            if (state == TransactionState.COMPLETED) {
                terminateLocked();
            }
        }
        afterTransition();
    }

    private void timerMFired() {
        synchronized (this) {
            if (state == TransactionState.ACCEPTED) {
                terminateLocked();
            }
        }
        afterTransition();
    }

    @Override
    void cancelTimersLocked() {
        cancel(timerA);
        cancel(timerB);
        cancel(timerD);
        cancel(timerM);
    }
}
