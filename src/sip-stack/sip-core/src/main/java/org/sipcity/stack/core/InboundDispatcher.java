package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.overload.Verdict;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transaction.RequestDisposition;
import org.sipcity.stack.transaction.TransactionLayer;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.InboundHandler;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipTransports;

/**
 * Takes each whole message from the transports, on the event loop that read it: lets the overload valve judge it
 * by its first line (a shed request is answered with the valve's stateless 503 or dropped, and never reaches the
 * parser or a transaction; on a stream the frame is already cut, so the connection stays usable), parses it,
 * stamps the top Via (§18.2.1), and gives it to the transaction layer. What cannot enter a transaction is answered here,
 * statelessly: 400/505/416/513 for requests that break the grammar (with a reason phrase naming the fault),
 * 503 when the transaction table is full; malformed responses are dropped (RFC 3261 §18.1.2, RFC 4475 §3.1.2).
 */
final class InboundDispatcher implements InboundHandler {

    private static final Logger LOG = Logger.getLogger(InboundDispatcher.class);
    private static final long WARN_INTERVAL_NANOS = 1_000_000_000L;

    private final SipMessageParser parser;
    private final TransactionLayer transactions;
    private final StackCounters counters;
    private final OverloadValve valve;
    private final MessageTrace trace;
    private final AtomicLong lastFramingWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    private final AtomicLong lastValveWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    private volatile SipTransports transports;

    InboundDispatcher(SipMessageParser parser, TransactionLayer transactions, StackCounters counters,
                      OverloadValve valve, MessageTrace trace) {
        this.parser = parser;
        this.trace = trace;
        this.transactions = transactions;
        this.counters = counters;
        this.valve = valve;
    }

    void bind(SipTransports transports) {
        this.transports = transports;
    }

    FlowChannel channel(Flow flow) {
        return new FlowChannel(flow, transports, counters, trace);
    }

    @Override
    public void onMessage(Flow flow, ByteBuf message) {
        TraceFilter traced = trace.filter();
        if (traced != null) {
            trace.received(traced, flow, message);
        }
        Verdict verdict = judge(flow, message);
        if (verdict != Verdict.ADMIT) {
            shed(flow, message, verdict);
            return;
        }
        SipMessage parsed;
        try {
            parsed = parser.parse(message);
        } catch (SipParseException e) {
            rejectUnparsable(flow, e);
            return;
        } finally {
            message.release();
        }
        if (parsed instanceof SipRequest request) {
            counters.requestReceived();
            requestReceived(flow, request);
        } else {
            counters.responseReceived();
            transactions.responseReceived((SipResponse) parsed, channel(flow));
        }
    }

    /**
     * Every message is released before {@link #onMessage} returns: shed, or parsed on the event loop into a model
     * that holds no reference to its bytes. So the UDP transport need not copy a datagram out of its read batch.
     */
    @Override
    public boolean keepsMessages() {
        return false;
    }

    /** The valve's verdict; a valve that fails admits (the stack then works as one without overload control). */
    private Verdict judge(Flow flow, ByteBuf message) {
        try {
            long classification = FirstLineClassifier.classify(message, message.readerIndex(), message.readableBytes());
            counters.classified(classification);
            return valve.inspect(classification, message, flow);
        } catch (RuntimeException e) {
            valveFailed(e);
            return Verdict.ADMIT;
        }
    }

    private void shed(Flow flow, ByteBuf message, Verdict verdict) {
        try {
            counters.messageShed();
            if (verdict == Verdict.REJECT) {
                ByteBuf answer = ByteBufAllocator.DEFAULT.ioBuffer(512);
                boolean written = false;
                try {
                    written = valve.writeRejection(message, answer);
                } catch (RuntimeException e) {
                    valveFailed(e);
                }
                if (written) {
                    counters.statelessResponseSent();
                    TraceFilter traced = trace.filter();
                    if (traced != null) {
                        trace.sent(traced, flow, answer);
                    }
                    // Queued, flushed once at the end of the read batch: under overload a batch of 503s leaves
                    // in one writev/sendmmsg instead of one system call each.
                    flow.send(answer);
                } else {
                    answer.release();
                }
            }
        } finally {
            message.release();
        }
    }

    private void valveFailed(RuntimeException e) {
        long now = System.nanoTime();
        long last = lastValveWarning.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastValveWarning.compareAndSet(last, now)) {
            LOG.warnf(e, "Overload valve %s failed; messages are admitted while it fails (further failures within a "
                    + "second are not logged)", valve.getClass().getName());
        }
    }

    private void requestReceived(Flow flow, SipRequest request) {
        FlowChannel channel = channel(flow);
        ViaStamps.stamp(request, flow.remoteAddress(), flow.remoteHostAddress());
        RequestDisposition disposition = transactions.requestReceived(request, channel);
        switch (disposition) {
            case INVALID -> answer(channel, request, 400, "Bad Request - Missing or Malformed Via, CSeq or Call-ID");
            case REFUSED_OVERLOAD -> {
                SipResponse busy = request.createResponse(503, "Service Unavailable");
                // Spread the returns so that refused clients do not come back in lockstep (RFC 3261 §21.5.4).
                busy.setHeader(HeaderName.RETRY_AFTER, Integer.toString(5 + ThreadLocalRandom.current().nextInt(10)));
                sendStateless(channel, busy);
            }
            default -> {
                // in a transaction, or an ACK passed to the transaction user
            }
        }
    }

    private void rejectUnparsable(Flow flow, SipParseException e) {
        counters.parseError();
        SipTransports bound = transports;
        SipConnector connector = bound == null ? null : bound.connector(flow.connectorName());
        if (connector != null) {
            connector.metrics().parseError();
        }
        if (!e.isRequest()) {
            counters.malformedResponseDropped();
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Dropped malformed response from %s: %s at byte %d", flow.remoteAddress(), e.fault(), e.offset());
            }
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Bad request from %s: %d %s (%s at byte %d)", flow.remoteAddress(), e.statusCode(),
                    e.reasonPhrase(), e.fault(), e.offset());
        }
        if (e.canAnswer()) {
            SipRequest partial = e.partialRequest();
            ViaStamps.stamp(partial, flow.remoteAddress());
            answer(channel(flow), partial, e.statusCode(), e.reasonPhrase());
        }
    }

    @Override
    public void onFramingError(Flow flow, FramingError error) {
        counters.framingError();
        warnRateLimited(flow, error);
        ByteBuf head = error.headBytes();
        if (head == null || !head.isReadable()) {
            return;
        }
        SipRequest request;
        try {
            SipMessage parsed = parser.parse(head.duplicate());
            request = parsed instanceof SipRequest r ? r : null;
        } catch (SipParseException e) {
            request = e.canAnswer() ? e.partialRequest() : null;
        }
        if (request != null) {
            ViaStamps.stamp(request, flow.remoteAddress());
            answer(channel(flow), request, error.statusCode(), error.reasonPhrase());
        }
    }

    private void warnRateLimited(Flow flow, FramingError error) {
        long now = System.nanoTime();
        long last = lastFramingWarning.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastFramingWarning.compareAndSet(last, now)) {
            LOG.warnf("Closing %s connection from %s: %d %s (further framing errors within a second are only counted)",
                    flow.transport(), flow.remoteAddress(), error.statusCode(), error.reasonPhrase());
        }
    }

    private void answer(FlowChannel channel, SipRequest request, int status, String reason) {
        if (request.getMethod() != null && "ACK".equals(request.getMethod().name())) {
            return; // an ACK is never answered (RFC 3261 §17.2.3)
        }
        SipResponse response;
        try {
            response = request.createResponse(status, reason);
        } catch (RuntimeException broken) {
            LOG.debugf("Cannot answer %d to an unusable request: %s", status, broken.getMessage());
            return;
        }
        sendStateless(channel, response);
    }

    private void sendStateless(FlowChannel channel, SipResponse response) {
        ToTags.ensure(response);
        counters.statelessResponseSent();
        channel.send(response, null);
    }
}
