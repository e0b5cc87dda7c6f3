package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.FlowIds;
import org.sipcity.stack.transport.TransportType;

/**
 * A TCP or TLS connection as a {@link Flow}.
 *
 * <p>Compact, since one exists per idle connection: it stores its sequence number and derives its id, and takes its
 * connector's settings from the handler and its addresses from the channel (which holds them anyway) instead of
 * copying them. 48 B with compressed references: the handed-over writes' count and bytes share one word, and only a
 * TLS connection ({@link TlsStreamFlow}) has a field for its session. {@code StreamFlowFootprintTest} holds it there.
 */
public class StreamFlow implements Flow {

    /** Writes after which a run of handed-over writes is flushed even though more are queued behind it. */
    static final int HANDED_OVER_WRITES_BEFORE_FORCED_FLUSH = 16;
    /** {@link #handedOver}: the count of writes above this bit, their bytes below it (up to 1 TiB: never reached). */
    private static final int COUNT_SHIFT = 40;
    private static final long ONE_WRITE = 1L << COUNT_SHIFT;
    private static final long BYTES = ONE_WRITE - 1;
    private static final VarHandle HANDED_OVER;

    static {
        try {
            HANDED_OVER = MethodHandles.lookup().findVarHandle(StreamFlow.class, "handedOver", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StreamFlowHandler handler;
    private final Channel channel;
    /**
     * Writes other threads handed to the event loop that have not run yet (the last one to run flushes) and their
     * bytes, counted in the write queue at once as Netty counts its own write tasks: {@code count << 40 | bytes},
     * changed by one atomic add per write, so neither part ever borrows from the other.
     */
    private volatile long handedOver;
    /** Handed-over writes run since the last flush; event loop only. */
    private int handedOverUnflushed;
    private final long sequence = FlowIds.nextSequence();
    private volatile long lastActivityMillis = System.currentTimeMillis();

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
     * future allocated per message). A send on the event loop during a read is flushed at the read's end; sends of
     * other threads are flushed by the last of those queued on the event loop ({@link #handOver}).
     *
     * <p>Sends keep their order across threads. The loop runs the writes other threads hand it only after its reads,
     * so a send of the loop's own while some of those still wait is queued behind them rather than written at once:
     * written at once, it would overtake a message another thread sent before it (the timer thread's 100 Trying
     * reached the caller after the 200 the loop relayed from the callee, and the caller dropped the call).
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
        if (!channel.eventLoop().inEventLoop() || handedOverPending()) {
            return handOver(message);
        }
        if (handler.deferFlushOnEventLoop()) {
            channel.write(message, channel.voidPromise());
        } else {
            channel.writeAndFlush(message, channel.voidPromise());
        }
        return true;
    }

    /**
     * A write from another thread (a worker's response) runs on the event loop, and only the last of the writes
     * queued there for this connection flushes: under load the loop runs a run of them together, and their
     * answers leave in one system call instead of one each (at 2,500 REGISTER/s most runs are one write, flushed
     * at once as before). A long run still flushes every {@value #HANDED_OVER_WRITES_BEFORE_FORCED_FLUSH} writes.
     */
    private boolean handOver(ByteBuf message) {
        long write = ONE_WRITE + message.readableBytes();
        HANDED_OVER.getAndAdd(this, write);
        try {
            channel.eventLoop().execute(() -> writeHandedOver(message, write));
            return true;
        } catch (RejectedExecutionException stopped) {
            HANDED_OVER.getAndAdd(this, -write);
            message.release();
            handler.runtime().metrics().sendDropped();
            return false;
        }
    }

    /** Whether writes handed over by other threads wait in the event loop's task queue (a volatile read). */
    private boolean handedOverPending() {
        return handedOver >>> COUNT_SHIFT != 0;
    }

    private void writeHandedOver(ByteBuf message, long write) {
        channel.write(message, channel.voidPromise());
        boolean last = ((long) HANDED_OVER.getAndAdd(this, -write)) >>> COUNT_SHIFT == 1;
        if (last || ++handedOverUnflushed >= HANDED_OVER_WRITES_BEFORE_FORCED_FLUSH) {
            handedOverUnflushed = 0;
            channel.flush();
        }
    }

    /**
     * Bytes waiting in the write queue, including writes other threads handed to the event loop and not yet
     * run (Netty's figure has them only once their task ran). Volatile reads; 0 once the channel closed.
     */
    private long queuedBytes() {
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        return queue == null ? 0 : queue.totalPendingWriteBytes() + (handedOver & BYTES);
    }

    @Override
    public boolean isWritable() {
        // Netty's writability counts a handed-over write only once its task ran on the event loop: a thread that
        // sends faster than the loop runs them must see those bytes too, or it writes on until the hard limit drops.
        return channel.isActive() && channel.isWritable()
                && ((handedOver & BYTES) == 0 || queuedBytes() <= handler.runtime().config().writeBufferHighWaterMark());
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public long lastActivityMillis() {
        return lastActivityMillis;
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

    @Override
    public String toString() {
        return "Flow[" + id() + " " + transport() + " " + localAddress() + " <-> " + remoteAddress() + "]";
    }
}
