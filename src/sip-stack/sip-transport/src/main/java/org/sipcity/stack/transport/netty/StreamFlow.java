package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.FlowIds;
import org.sipcity.stack.transport.TransportType;

/**
 * A TCP or TLS connection as a {@link Flow}.
 *
 * <p>Compact, since one exists per idle connection: it stores its sequence number and derives its id, and takes its
 * connector's settings from the handler and its addresses from the channel (which holds them anyway) instead of
 * copying them.
 */
public final class StreamFlow implements Flow {

    private final StreamFlowHandler handler;
    private final Channel channel;
    private final long sequence = FlowIds.nextSequence();
    private volatile long lastActivityMillis = System.currentTimeMillis();
    private volatile SSLSession sslSession;

    StreamFlow(StreamFlowHandler handler, Channel channel) {
        this.handler = handler;
        this.channel = channel;
        // The channel caches both addresses on first use; read them while the socket is open so that they stay
        // known after it closed (flow table removal, logs).
        channel.localAddress();
        channel.remoteAddress();
    }

    @Override
    public String id() {
        return FlowIds.format(transport(), sequence);
    }

    @Override
    public TransportType transport() {
        return handler.runtime().transport();
    }

    @Override
    public String connectorName() {
        return handler.runtime().name();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
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
     * future allocated per message). A send on the event loop during a read is flushed at the read's end.
     */
    @Override
    public boolean send(ByteBuf message) {
        ConnectorRuntime runtime = handler.runtime();
        if (!channel.isActive() || queuedBytes() + message.readableBytes() > runtime.config().writeQueueLimit()) {
            message.release();
            runtime.metrics().sendDropped();
            return false;
        }
        runtime.metrics().messageOut(message.readableBytes());
        if (channel.eventLoop().inEventLoop() && handler.deferFlushOnEventLoop()) {
            channel.write(message, channel.voidPromise());
        } else {
            channel.writeAndFlush(message, channel.voidPromise());
        }
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

    ConnectorRuntime runtime() {
        return handler.runtime();
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
        return "Flow[" + id() + " " + transport() + " " + localAddress() + " <-> " + remoteAddress() + "]";
    }
}
