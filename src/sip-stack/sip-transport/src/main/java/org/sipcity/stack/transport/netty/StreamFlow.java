package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.FlowIds;
import org.sipcity.stack.transport.TransportMetrics;
import org.sipcity.stack.transport.TransportType;

/** A TCP or TLS connection as a {@link Flow}. */
public final class StreamFlow implements Flow {

    private final String id;
    private final TransportType transport;
    private final String connectorName;
    private final Channel channel;
    private final TransportMetrics metrics;
    private final int writeQueueLimit;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private volatile long lastActivityMillis = System.currentTimeMillis();
    private volatile SSLSession sslSession;

    StreamFlow(ConnectorRuntime runtime, Channel channel) {
        this.transport = runtime.transport();
        this.id = FlowIds.next(transport);
        this.connectorName = runtime.name();
        this.channel = channel;
        this.metrics = runtime.metrics();
        this.writeQueueLimit = runtime.config().writeQueueLimit();
        this.localAddress = (InetSocketAddress) channel.localAddress();
        this.remoteAddress = (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportType transport() {
        return transport;
    }

    @Override
    public String connectorName() {
        return connectorName;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Writes without waiting. Above the high water mark the peer reads slower than we write: {@link
     * StreamFlowHandler} has stopped reading from it, so what still comes answers work already accepted and is
     * queued, for on a stream nothing would retransmit it. Only a send that would take the queue beyond the hard
     * limit is dropped and counted; if the queue stays above the high mark, {@link StreamFlowHandler} closes the
     * connection. Write failures close it as well (reported through the pipeline, hence the void promise: no
     * future allocated per message).
     */
    @Override
    public boolean send(ByteBuf message) {
        if (!channel.isActive() || queuedBytes() + message.readableBytes() > writeQueueLimit) {
            message.release();
            metrics.sendDropped();
            return false;
        }
        metrics.messageOut(message.readableBytes());
        channel.writeAndFlush(message, channel.voidPromise());
        return true;
    }

    /**
     * Bytes waiting in the write queue, including writes other threads handed to the event loop and not yet
     * run (Netty counts those at once). A volatile read; 0 once the channel closed.
     */
    private long queuedBytes() {
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        return queue == null ? 0 : queue.totalPendingWriteBytes();
    }

    @Override
    public boolean isWritable() {
        return channel.isActive() && channel.isWritable();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    @Override
    public SSLSession sslSession() {
        return sslSession;
    }

    /** The Netty channel beneath, for diagnostics and tests. */
    public Channel channel() {
        return channel;
    }

    void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    void sslSession(SSLSession session) {
        this.sslSession = session;
    }

    @Override
    public String toString() {
        return "Flow[" + id + " " + transport + " " + localAddress + " <-> " + remoteAddress + "]";
    }
}
