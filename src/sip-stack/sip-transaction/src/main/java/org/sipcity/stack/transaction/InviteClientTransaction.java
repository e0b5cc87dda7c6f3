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
 *       goes to the TU, which sends the ACK for 2xx itself (§13.2.2.4), or as a proxy forwards it
 *       upstream (RFC 3261 §16.7 step 5). Timer M then ends it.</li>
 *   <li>Accepted is lean, as for the INVITE server transaction: through a stateful proxy every call
 *       leaves one for Timer M (32 s), and recognising a further 2xx needs only the table key. Once
 *       the first 2xx has gone to the TU, a {@link CompletedEntry} with the key and the TU's
 *       {@linkplain #attachment() attachment} at that moment takes this object's place in the table
 *       (one FIFO task for all, charged against {@link TransactionConfig#completedMemoryBytes()}),
 *       the transaction leaves the live count and the TU is told it terminated. Further 2xx go to the
 *       TU with that attachment ({@link TransactionUser#acceptedResponseReceived}), so a TU attaches
 *       there, on the first 2xx, only what handling them needs. The INVITE, the fields read from it
 *       and this object become garbage unless the TU holds them; the object reports Accepted until
 *       Timer M.</li>
 * </ul>
 */
public final class InviteClientTransaction extends ClientTransaction {

    private TimerHandle timerA;
    private TimerHandle timerB;
    private TimerHandle timerD;
    private long timerAInterval;
    /** The INVITE's fields the ACK and CANCEL are built from, read before the INVITE is sent. */
    private final InviteFields inviteFields;
    /** The ACK for the non-2xx final response, resent on its retransmissions; guarded by {@code this}. */
    private SipRequest ack;
    /** When Timer M fires, on the layer's clock, once a lean entry holds Accepted; guarded by {@code this}. */
    private long acceptedUntil;

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
        boolean handOver = false;
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
                        handOver = true;
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
                    // RFC 6026 §8.4: 2xx in Accepted go to the TU; anything else is dropped. Only until the
                    // entry takes over (a fork's 2xx on another event loop right after the first).
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
        if (handOver) {
            handOverToEntry();
        }
        afterTransition();
        return true;
    }

    /**
     * After the first 2xx went to the TU: a lean entry with the key and the TU's attachment as it is now holds
     * Accepted until Timer M, and this object terminates (reporting Accepted until then).
     */
    private void handOverToEntry() {
        synchronized (this) {
            if (state != TransactionState.ACCEPTED) {
                return;
            }
            acceptedUntil = layer.holdAcceptedClient(this, attachment());
            terminateLocked();
        }
    }

    @Override
    TransactionState visibleStateLocked() {
        if (state == TransactionState.TERMINATED && acceptedUntil != 0 && layer.timer().now() < acceptedUntil) {
            return TransactionState.ACCEPTED;
        }
        return state;
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

    @Override
    void cancelTimersLocked() {
        cancel(timerA);
        cancel(timerB);
        cancel(timerD);
    }
}
