package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SipTimer;

import java.util.ArrayList;
import java.util.List;

/**
 * The unit-test seam of the transaction layer: an in-memory {@link TransactionChannel} that
 * records what was sent and when (on the simulated clock), and fails sends on demand, either
 * within {@code send} or later, as a real transport may.
 */
final class RecordingChannel implements TransactionChannel {

    record Sent(long atMillis, SipMessage message) {
    }

    private final boolean reliable;
    private final SipTimer clock;
    private final List<Sent> sent = new ArrayList<>();
    private final List<SendFailureListener> listeners = new ArrayList<>();
    private Throwable failNextWith;
    /** What each response kept by {@link #sendRetained} is charged against the completed-transaction memory. */
    int retainedBytes = KEPT_MESSAGE_BYTES;
    /** Responses handed over with {@link #sendRetained}. */
    int retainedCount;

    RecordingChannel(boolean reliable, SipTimer clock) {
        this.reliable = reliable;
        this.clock = clock;
    }

    @Override
    public boolean isReliable() {
        return reliable;
    }

    @Override
    public void send(SipMessage message, SendFailureListener onFailure) {
        listeners.add(onFailure);
        if (failNextWith != null) {
            Throwable cause = failNextWith;
            failNextWith = null;
            onFailure.sendFailed(message, cause);
            return;
        }
        sent.add(new Sent(clock.now(), message));
    }

    /** Keeps the message itself; resends record the same object, so tests compare what was sent by identity. */
    @Override
    public RetainedResponse sendRetained(SipResponse response, SendFailureListener onFailure) {
        send(response, onFailure);
        retainedCount++;
        int charge = retainedBytes;
        return new RetainedResponse() {
            @Override
            public void resend() {
                send(response, (message, cause) -> { });
            }

            @Override
            public int retainedBytes() {
                return charge;
            }
        };
    }

    /** The next send fails from within {@code send}. */
    void failNextSend(Throwable cause) {
        failNextWith = cause;
    }

    /** Reports, after the fact, that the last message handed over could not be sent. */
    void failLastSendLater(Throwable cause) {
        listeners.get(listeners.size() - 1).sendFailed(sent.get(sent.size() - 1).message(), cause);
    }

    List<Sent> sent() {
        return sent;
    }

    List<Long> sendTimes() {
        return sent.stream().map(Sent::atMillis).toList();
    }

    List<SipMessage> messages() {
        return sent.stream().map(Sent::message).toList();
    }

    SipMessage last() {
        return sent.get(sent.size() - 1).message();
    }

    SipRequest lastRequest() {
        return (SipRequest) last();
    }

    SipResponse lastResponse() {
        return (SipResponse) last();
    }

    int count() {
        return sent.size();
    }

    /** Forgets what was sent, and the transactions' failure listeners with it. */
    void clear() {
        sent.clear();
        listeners.clear();
    }
}
