package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.TimerHandle;

/**
 * INVITE server transaction: RFC 3261 §17.2.1, Figure 7, as updated by RFC 6026 §7.1 (Figure 5
 * there) with the Accepted state.
 *
 * <pre>
 *                               |INVITE
 *                               |pass INV to TU
 *            INVITE             V send 100 if TU won't in 200 ms
 *            send response +------------+
 *                +---------|            |--------+ 101-199 from TU
 *                |         | Proceeding |        | send response
 *                +--------&gt;|            |&lt;-------+
 *                          +------------+
 *      300-699 from TU      |     |     |  2xx from TU
 *      send response        |     |     |  send response
 *              +------------+     |     +-----------------+
 *              |    Transport Err.|                       |
 *              |    Inform TU     |                       |
 *              V                  |                       V
 *        +-----------+            |                +------------+ INVITE: -
 * INVITE,|           |            |                |            | 2xx from TU: send response
 * Timer G| Completed |            |                |  Accepted  | ACK: pass ACK to TU
 * send   |           |            |                |            | Transport Err.: Inform TU
 * resp.  +-----------+            |                +------------+
 *          |      |               |                       |
 *      ACK |      | Timer H or    |                       | Timer L fires
 *        - |      | Transport Err.|                       | -
 *          V      | Inform TU     |                       |
 *  +-----------+  |               |                       |
 *  | Confirmed |  |               |                       |
 *  +-----------+  |               |                       |
 *  ACK: -   |     |               |                       |
 *  Timer I  |     |               |                       |
 *           V     V               V                       |
 *        +--------------------------------+               |
 *        |           Terminated           |&lt;--------------+
 *        +--------------------------------+
 * </pre>
 *
 * <p>Decisions:
 * <ul>
 *   <li>§17.2.1: "the server transaction MUST generate a 100 (Trying) response unless it knows
 *       that the TU will generate a provisional or final response within 200 ms": armed at
 *       creation ({@link TransactionConfig#provisionalDelay()}), cancelled by the TU's first response.</li>
 *   <li>A retransmitted INVITE in Proceeding gets the last provisional response again (none if the
 *       TU has not answered yet), in Completed the final response; in Accepted and Confirmed it is
 *       absorbed (RFC 6026 §7.1: "absorbed ... not passed up").</li>
 *   <li>RFC 6026 §7.1: a 2xx moves to Accepted; "the server transaction MUST NOT generate 2xx
 *       retransmissions on its own", but passes further 2xx from the TU to the transport. An ACK
 *       matching in Accepted goes to the TU. Timer L ends it.</li>
 *   <li>Accepted is lean: absorbing a retransmitted INVITE needs only the table key, so on the 2xx a
 *       {@link CompletedEntry} with the key takes the transaction's place in the table until Timer L
 *       (one FIFO task for all, charged against {@link TransactionConfig#completedMemoryBytes()}),
 *       the transaction leaves the live count and the TU is told it terminated. This object reports
 *       Accepted until Timer L and still sends the TU's 2xx (its retransmissions, or a proxy's other
 *       forks) on its channel; a transport error on those is not reported (no transaction is left to
 *       end, the TU heard of its termination). An ACK matching the entry goes to the TU without this
 *       object, and a CANCEL finds no target (RFC 3261 §9.2: it has no effect on an answered INVITE;
 *       the TU answers it 481).</li>
 *   <li>Timer G (300-699 retransmit) only on unreliable channels, doubling up to T2; Timer H (no
 *       ACK) on every channel: its firing is a timeout for the TU; Timer I is zero on reliable
 *       channels, so an ACK ends the transaction at once there.</li>
 * </ul>
 */
public final class InviteServerTransaction extends ServerTransaction {

    private TimerHandle provisionalTimer;
    private TimerHandle timerG;
    private TimerHandle timerH;
    private TimerHandle timerI;
    private long timerGInterval;
    /** When Timer L fires, on the layer's clock, once the 2xx is sent and an entry absorbs; guarded by {@code this}. */
    private long acceptedUntil;
    /** Second table key for the ACK of an RFC 2543 peer (see {@link LegacyServerTransactionKey}); set once. */
    volatile LegacyServerTransactionKey ackKey;

    InviteServerTransaction(TransactionLayer layer, SipRequest request, TransactionChannel channel, String branch,
                            Object key) {
        super(layer, request, channel, branch, key, TransactionState.PROCEEDING);
    }

    @Override
    public TransactionKind kind() {
        return TransactionKind.INVITE_SERVER;
    }

    /** The 100 Trying to send if the TU is slow; built up front, see {@link #start()}. */
    private SipResponse trying;

    /**
     * Arms the 100 Trying timer. The response is built here, on the thread that received the
     * INVITE and before the TU sees it: the timer thread must not read the request while the TU
     * may be reading it too (the message model parses lazily and is not thread-safe).
     */
    @Override
    void start() {
        synchronized (this) {
            long delay = config.provisionalDelay();
            if (delay >= 0) {
                // §17.2.1: built by §8.2.6 but without a To tag ("downgraded from MAY to SHOULD NOT").
                trying = request.createResponse(100, "Trying");
                provisionalTimer = schedule(this::provisionalTimerFired, delay);
            }
        }
    }

    @Override
    public boolean sendResponse(SipResponse response) {
        int status = checkStatus(response);
        boolean sent;
        synchronized (this) {
            sent = switch (visibleStateLocked()) {
                case PROCEEDING -> {
                    cancel(provisionalTimer);
                    trying = null;
                    lastResponse = response;
                    if (status < 200) {
                        send(response);
                    } else if (status < 300) {
                        state = TransactionState.ACCEPTED;
                        acceptedUntil = layer.timer().now() + config.timerL();
                        // Before sending: a retransmission or the ACK may come back on another thread at once.
                        layer.holdAccepted(this);
                        send(response);
                        terminateLocked();
                    } else {
                        state = TransactionState.COMPLETED;
                        if (!reliable) {
                            timerGInterval = config.timerG();
                            timerG = schedule(this::timerGFired, timerGInterval);
                        }
                        timerH = schedule(this::timerHFired, config.timerH());
                        // Before sending: the ACK may come back on another thread at once.
                        layer.registerAckKey(this, response);
                        send(response);
                    }
                    yield true;
                }
                case ACCEPTED -> {
                    // RFC 6026 §7.1: 2xx from the TU (its own retransmissions, or a proxy forwarding
                    // the 2xx of another fork) pass to the transport; nothing else may follow a 2xx.
                    if (status >= 200 && status < 300) {
                        lastResponse = response;
                        send(response);
                        yield true;
                    }
                    yield false;
                }
                default -> false;
            };
        }
        afterTransition();
        return sent;
    }

    @Override
    TransactionState visibleStateLocked() {
        if (state == TransactionState.TERMINATED && acceptedUntil != 0 && layer.timer().now() < acceptedUntil) {
            return TransactionState.ACCEPTED;
        }
        return state;
    }

    @Override
    void requestRetransmitted(SipRequest retransmission) {
        synchronized (this) {
            layer.counters().countAbsorbed();
            if ((state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED) && lastResponse != null) {
                // §17.2.1: "the most recent provisional response" / "the response ... retransmitted".
                resend(lastResponse);
            }
        }
        afterTransition();
    }

    /**
     * An ACK matched this transaction (§17.2.3).
     *
     * @return {@code true} if it must go to the TU (Accepted, RFC 6026 §7.1); otherwise it was consumed
     */
    boolean ackReceived() {
        boolean passUp = false;
        synchronized (this) {
            switch (visibleStateLocked()) {
                case COMPLETED -> {
                    state = TransactionState.CONFIRMED;
                    cancel(timerG);
                    cancel(timerH);
                    long timerIValue = config.timerI(reliable);
                    if (timerIValue > 0) {
                        timerI = schedule(this::timerIFired, timerIValue);
                    } else {
                        terminateLocked();
                    }
                }
                case ACCEPTED -> passUp = true;
                case CONFIRMED -> layer.counters().countAbsorbed();
                default -> {
                    // Proceeding (an ACK before any final response) or Terminated: nothing to acknowledge.
                }
            }
        }
        afterTransition();
        return passUp;
    }

    private void provisionalTimerFired() {
        synchronized (this) {
            if (state != TransactionState.PROCEEDING || lastResponse != null) {
                return;
            }
            lastResponse = trying;
            send(trying);
        }
        afterTransition();
    }

    private void timerGFired() {
        synchronized (this) {
            if (state != TransactionState.COMPLETED) {
                return;
            }
            timerGInterval = Math.min(2 * timerGInterval, config.t2());
            timerG = schedule(this::timerGFired, timerGInterval);
            resend(lastResponse);
        }
        afterTransition();
    }

    private void timerHFired() {
        boolean timedOut;
        synchronized (this) {
            timedOut = state == TransactionState.COMPLETED && terminateLocked();
        }
        if (timedOut) {
            layer.notifyTimeout(this);
        }
        afterTransition();
    }

    private void timerIFired() {
        synchronized (this) {
            if (state == TransactionState.CONFIRMED) {
                terminateLocked();
            }
        }
        afterTransition();
    }

    @Override
    boolean survivesTransportErrorLocked() {
        return state == TransactionState.ACCEPTED;
    }

    @Override
    void cancelTimersLocked() {
        cancel(provisionalTimer);
        cancel(timerG);
        cancel(timerH);
        cancel(timerI);
    }
}
