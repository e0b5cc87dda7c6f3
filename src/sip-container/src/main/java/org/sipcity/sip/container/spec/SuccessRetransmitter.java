package org.sipcity.sip.container.spec;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.transaction.ServerTransaction;

/**
 * RFC 3261 §13.3.1.4: over an unreliable transport the UAS core, not the transaction, retransmits its 2xx to an INVITE
 * — at T1, doubling up to T2 — until the ACK arrives or 64·T1 have passed. The INVITE server transaction stays in
 * Accepted state that long (RFC 6026 §7.1) and passes each retransmission on. Runs on the timer thread: it only hands
 * the same response to the transaction again, which never blocks.
 */
final class SuccessRetransmitter {

    private static final Logger LOG = Logger.getLogger(SuccessRetransmitter.class);

    private final SipTimer clock;
    private final ServerTransaction transaction;
    private final SipResponse response;
    private final long t2;
    private final long giveUpAt;
    private final Runnable noAck;
    private volatile boolean acknowledged;
    private long interval;

    private SuccessRetransmitter(SipTimer clock, ServerTransaction transaction, SipResponse response, long t1, long t2,
                                 Runnable noAck) {
        this.clock = clock;
        this.transaction = transaction;
        this.response = response;
        this.t2 = t2;
        this.giveUpAt = clock.now() + 64 * t1;
        this.noAck = noAck;
        this.interval = t1;
    }

    /** Starts retransmitting; {@code noAck} runs (on the timer thread) if no ACK came within 64·T1. */
    static SuccessRetransmitter start(SipTimer clock, ServerTransaction transaction, SipResponse response, long t1,
                                      long t2, Runnable noAck) {
        SuccessRetransmitter retransmitter = new SuccessRetransmitter(clock, transaction, response, t1, t2, noAck);
        retransmitter.schedule();
        return retransmitter;
    }

    /** The ACK arrived: stop. */
    void acknowledged() {
        acknowledged = true;
    }

    private void schedule() {
        try {
            clock.schedule(this::fire, interval, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debugf("2xx retransmission not scheduled: %s", e.getMessage());
        }
    }

    private void fire() {
        if (acknowledged) {
            return;
        }
        if (clock.now() >= giveUpAt) {
            noAck.run();
            return;
        }
        if (!transaction.sendResponse(response)) {
            return;   // the transaction ended (transport failure): nothing more to send on
        }
        interval = Math.min(interval * 2, t2);
        schedule();
    }
}
