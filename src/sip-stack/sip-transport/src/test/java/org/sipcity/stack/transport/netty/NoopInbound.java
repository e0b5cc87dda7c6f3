package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.InboundHandler;

/** For handler tests that never deliver a message. */
final class NoopInbound implements InboundHandler {

    @Override
    public void onMessage(Flow flow, ByteBuf message) {
        message.release();
        throw new AssertionError("no message expected, got one on " + flow);
    }

    @Override
    public void onFramingError(Flow flow, FramingError error) {
        throw new AssertionError("no framing error expected: " + error);
    }
}
