package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.RetainedResponse;
import org.sipcity.stack.transaction.SendFailureListener;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipTransports;

/**
 * A {@link TransactionChannel} on one flow: requests go out on the flow; responses follow RFC 3261 §18.2.2
 * (see {@link ResponseTargets}), which for a request that came over a connection still open, or over UDP
 * from the address its Via names, is the same flow.
 *
 * <p>Messages are encoded into a pooled buffer on every send, as the transaction layer resends the same
 * message object for retransmissions.
 */
final class FlowChannel implements TransactionChannel {

    private static final Logger LOG = Logger.getLogger(FlowChannel.class);

    private final Flow flow;
    private final SipTransports transports;
    private final StackCounters counters;
    private final MessageTrace trace;

    FlowChannel(Flow flow, SipTransports transports, StackCounters counters, MessageTrace trace) {
        this.flow = flow;
        this.trace = trace;
        this.transports = transports;
        this.counters = counters;
    }

    Flow flow() {
        return flow;
    }

    @Override
    public boolean isReliable() {
        return flow.transport().isReliable();
    }

    @Override
    public void send(SipMessage message, SendFailureListener onFailure) {
        if (message instanceof SipResponse response) {
            sendResponse(response, onFailure);
        } else {
            sendOn(flow, message, onFailure);
        }
    }

    private void sendResponse(SipResponse response, SendFailureListener onFailure) {
        if (isReliable() && flow.isOpen()) {
            sendOn(flow, response, onFailure);
            return;
        }
        InetSocketAddress target = ResponseTargets.of(response.getTopVia(), flow.transport());
        if (target == null) {
            fail(response, onFailure, new IllegalArgumentException(
                    "the top Via names no IP address to send the response to (RFC 3263 resolution not done here)"));
            return;
        }
        if (flow.isOpen() && target.equals(flow.remoteAddress())) {
            sendOn(flow, response, onFailure);
            return;
        }
        transports.connect(flow.transport(), target).whenComplete((other, error) -> {
            if (error != null) {
                fail(response, onFailure, error);
            } else {
                sendOn(other, response, onFailure);
            }
        });
    }

    /**
     * Encodes the response once, sends it as {@link #send} would, and keeps the bytes and where they went, not the
     * message (see {@link EncodedResponse}).
     */
    @Override
    public RetainedResponse sendRetained(SipResponse response, SendFailureListener onFailure) {
        // Sized by the message: a 200 to a REGISTER outgrew a fixed 512 and was reallocated for every response.
        ByteBuf encoded = ByteBufAllocator.DEFAULT.ioBuffer(response.encodedSizeEstimate());
        try {
            response.encode(encoded);
        } catch (RuntimeException e) {
            encoded.release();
            fail(response, onFailure, e);
            return NOTHING_KEPT;
        }
        byte[] bytes = ByteBufUtil.getBytes(encoded);
        if (isReliable() && flow.isOpen()) {
            sendEncoded(flow, encoded, response, onFailure);
            return new EncodedResponse(bytes, flow, counters);
        }
        InetSocketAddress target = ResponseTargets.of(response.getTopVia(), flow.transport());
        if (target == null) {
            encoded.release();
            fail(response, onFailure, new IllegalArgumentException(
                    "the top Via names no IP address to send the response to (RFC 3263 resolution not done here)"));
            return NOTHING_KEPT;
        }
        if (flow.isOpen() && target.equals(flow.remoteAddress())) {
            sendEncoded(flow, encoded, response, onFailure);
            return new EncodedResponse(bytes, flow, counters);
        }
        encoded.release();
        transports.connect(flow.transport(), target).whenComplete((other, error) -> {
            if (error != null) {
                fail(response, onFailure, error);
            } else {
                sendEncoded(other, ByteBufAllocator.DEFAULT.ioBuffer(bytes.length).writeBytes(bytes), response, onFailure);
            }
        });
        return new EncodedResponse(bytes, transports, flow.transport(), target, counters);
    }

    private void sendOn(Flow target, SipMessage message, SendFailureListener onFailure) {
        ByteBuf encoded = ByteBufAllocator.DEFAULT.ioBuffer(message.encodedSizeEstimate());
        try {
            message.encode(encoded);
        } catch (RuntimeException e) {
            encoded.release();
            fail(message, onFailure, e);
            return;
        }
        sendEncoded(target, encoded, message, onFailure);
    }

    private void sendEncoded(Flow target, ByteBuf encoded, SipMessage message, SendFailureListener onFailure) {
        TraceFilter traced = trace.filter();
        if (traced != null) {
            trace.sent(traced, target, encoded);
        }
        if (!target.send(encoded)) {
            fail(message, onFailure, new java.io.IOException("flow " + target.id() + " to " + target.remoteAddress()
                    + (target.isOpen() ? " does not read fast enough" : " is closed")));
        }
    }

    /** What a response that could not be sent leaves: nothing to resend (its transaction ends on the failure). */
    private static final RetainedResponse NOTHING_KEPT = new RetainedResponse() {
        @Override
        public void resend() {
        }

        @Override
        public int retainedBytes() {
            return 0;
        }
    };

    private void fail(SipMessage message, SendFailureListener onFailure, Throwable cause) {
        counters.sendFailed();
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Could not send on flow %s: %s", flow.id(), cause.getMessage());
        }
        if (onFailure != null) {
            onFailure.sendFailed(message, cause);
        }
    }
}
