package org.sipcity.microbench;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/** A TCP flow for benchmarks: always open and writable, it releases what it is given and sends nothing. */
public final class SilentTcpFlow implements Flow {
    private final InetSocketAddress local = new InetSocketAddress("127.0.0.1", 5060);
    private final InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 50412);

    @Override
    public String id() {
        return "bench";
    }

    @Override
    public TransportType transport() {
        return TransportType.TCP;
    }

    @Override
    public String connectorName() {
        return "bench";
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public boolean send(ByteBuf message) {
        message.release();
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public long lastActivityMillis() {
        return 0;
    }
}
