package org.sipcity.stack.transport;

import io.netty.buffer.ByteBuf;
import org.sipcity.stack.framing.FramingError;

/**
 * Receives what the transports bring in. Every method runs on the event loop of the flow's channel:
 * implementations must not block (no I/O, no locks held for long, no database); classify, then hand
 * the work to another executor if it is heavy. Exceptions thrown are logged and swallowed.
 */
public interface InboundHandler {

    /**
     * One whole SIP message: a datagram, or a frame cut from a stream. Nothing has been parsed.
     * Ownership of {@code message} passes to the callee, which must release it exactly once.
     */
    void onMessage(Flow flow, ByteBuf message);

    /**
     * Whether {@link #onMessage} may keep a message after it returns (queue it, hand it to another thread). With the
     * epoll transport a datagram is a slice of the buffer of its whole read batch (16 slots of the largest datagram),
     * so for a handler that keeps messages the UDP transport copies each into a right-sized buffer, lest a queued
     * message pin the batch. A handler that has released every message by the time {@code onMessage} returns says
     * {@code false} and is handed the slice itself: no copy for each datagram read, shed or served.
     */
    default boolean keepsMessages() {
        return true;
    }

    /**
     * The stream of {@code flow} could not be framed (a header too long, a bad Content-Length...). The
     * callee may answer synchronously with {@link Flow#send}; once this method returns the transport
     * flushes what was sent and closes the connection, because the position of the next message in the
     * stream is lost (RFC 3261 §18.3). {@link FramingError#headBytes()}, when present, belongs to the
     * transport and is released after this call: retain it to keep it.
     */
    void onFramingError(Flow flow, FramingError error);

    /** A connection is established (TLS: after the handshake), or a datagram came from a new remote address. */
    default void onFlowOpened(Flow flow) {
    }

    /** The flow is gone: the connection closed, or a UDP flow expired. It has left the {@link FlowTable}. */
    default void onFlowClosed(Flow flow) {
    }
}
