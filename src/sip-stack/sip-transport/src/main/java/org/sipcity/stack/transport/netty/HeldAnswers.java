package org.sipcity.stack.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;

/**
 * The answers a UDP socket sends on its event loop while it sheds load (the overload valve's 503s, {@link
 * DatagramFlow#sendInReadBatch}), held back so that those of several reads leave together in one {@code sendmmsg}:
 * the end of a read batch flushes them once the first has waited {@link #HOLD_NANOS}, and a timer flushes them after
 * {@link #LATEST_NANOS} if no read came meanwhile. Flushing at the end of every read sent each burst of 503s with its
 * own system call and receiver wake-up; a timer at the hold itself would have added a wake-up of the event loop per
 * flush (measured: twice the wake-ups for half the {@code sendmmsg} calls), so the timer is only the fallback of a
 * quiet socket. A 503 is no hurry (its client waits seconds, Retry-After), and nothing else a socket writes is held:
 * {@link DatagramFlow#send} flushes at once, taking held answers along.
 *
 * <p>One per socket, as a channel attribute; used on the socket's event loop only, so it needs no locking.
 */
final class HeldAnswers implements Runnable {

    /** How long the first held answer waits before the end of a read flushes it (and those held after it). */
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest an answer waits when no read comes to flush it: the timer's delay. */
    static final long LATEST_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Held answers that leave at once (one {@code sendmmsg} of about 30 KB). */
    static final int MAX_HELD = 64;

    private static final AttributeKey<HeldAnswers> KEY = AttributeKey.valueOf(HeldAnswers.class, "heldAnswers");

    private final Channel socket;
    private int held;
    private long firstHeldNanos;
    private boolean timerPending;

    private HeldAnswers(Channel socket) {
        this.socket = socket;
    }

    /** The held answers of {@code socket}; on its event loop. */
    static HeldAnswers of(Channel socket) {
        HeldAnswers answers = socket.attr(KEY).get();
        if (answers == null) {
            answers = new HeldAnswers(socket);
            socket.attr(KEY).set(answers);
        }
        return answers;
    }

    /** Queues {@code answer} without a flush. */
    void write(DatagramPacket answer) {
        socket.write(answer, socket.voidPromise());
        if (held++ == 0) {
            firstHeldNanos = System.nanoTime();
            if (!timerPending) {
                timerPending = true;
                socket.eventLoop().schedule(this, LATEST_NANOS, TimeUnit.NANOSECONDS);
            }
        }
        if (held >= MAX_HELD) {
            flush();
        }
    }

    /** The end of a read batch: flushes if the first held answer has waited long enough. */
    void readBatchEnded() {
        if (held > 0 && System.nanoTime() - firstHeldNanos >= HOLD_NANOS) {
            flush();
        }
    }

    /** The fallback timer (a pending one is not cancelled by a flush: it finds nothing, or newer answers, to send). */
    @Override
    public void run() {
        timerPending = false;
        if (held > 0) {
            flush();
        }
    }

    private void flush() {
        held = 0;
        socket.flush();
    }
}
