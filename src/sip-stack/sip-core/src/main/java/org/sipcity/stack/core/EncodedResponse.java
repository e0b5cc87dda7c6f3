package org.sipcity.stack.core;

import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;
import org.sipcity.stack.transaction.RetainedResponse;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipTransports;
import org.sipcity.stack.transport.TransportType;

/**
 * A final response kept for resending while its completed transaction absorbs retransmissions (Timer J): the
 * encoded bytes and the flow they went out on, about 0.5 KB for a 200 OK to a REGISTER, instead of the parsed
 * request and response (several KB). When RFC 3261 §18.2.2 sent the response elsewhere than the flow the request
 * came on, the address is kept and resolved again on each (rare) resend.
 */
final class EncodedResponse implements RetainedResponse {

    private static final Logger LOG = Logger.getLogger(EncodedResponse.class);

    private final byte[] bytes;
    private final Flow flow;
    private final SipTransports transports;
    private final TransportType transport;
    private final InetSocketAddress target;
    private final StackCounters counters;

    /** Resent on {@code flow}. */
    EncodedResponse(byte[] bytes, Flow flow, StackCounters counters) {
        this(bytes, flow, null, null, null, counters);
    }

    /** Resent to {@code target}, over a flow found (or opened) each time. */
    EncodedResponse(byte[] bytes, SipTransports transports, TransportType transport, InetSocketAddress target,
                    StackCounters counters) {
        this(bytes, null, transports, transport, target, counters);
    }

    private EncodedResponse(byte[] bytes, Flow flow, SipTransports transports, TransportType transport,
                            InetSocketAddress target, StackCounters counters) {
        this.bytes = bytes;
        this.flow = flow;
        this.transports = transports;
        this.transport = transport;
        this.target = target;
        this.counters = counters;
    }

    @Override
    public void resend() {
        if (flow != null) {
            sendOn(flow);
            return;
        }
        transports.connect(transport, target).whenComplete((other, error) -> {
            if (error != null) {
                failed(error);
            } else {
                sendOn(other);
            }
        });
    }

    private void sendOn(Flow on) {
        if (!on.send(ByteBufAllocator.DEFAULT.ioBuffer(bytes.length).writeBytes(bytes))) {
            failed(new java.io.IOException("flow " + on.id() + (on.isOpen() ? " does not read fast enough" : " is closed")));
        }
    }

    private void failed(Throwable cause) {
        counters.sendFailed();
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Could not resend a final response: %s", cause.getMessage());
        }
    }

    /**
     * The object (12-byte header, six references: 40, as the class histogram of a WildFly holding 152,641 of them
     * shows) and the byte array (16-byte header, contents, to 8).
     */
    @Override
    public int retainedBytes() {
        return 40 + ((16 + bytes.length + 7) & ~7);
    }
}
