package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/** A flow whose transport and write-queue state a test sets; it sends nothing (the valve never sends). */
final class TestFlow implements Flow {

    private final TransportType transport;
    volatile boolean writable = true;

    TestFlow(TransportType transport) {
        this.transport = transport;
    }

    @Override
    public String id() {
        return "test-" + transport;
    }

    @Override
    public TransportType transport() {
        return transport;
    }

    @Override
    public String connectorName() {
        return "test";
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5060);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 5999);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean send(ByteBuf message) {
        message.release();
        throw new AssertionError("the valve must not send");
    }

    @Override
    public void close() {
    }

    @Override
    public long lastActivityMillis() {
        return 0;
    }
}
