package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Receives datagrams on a UDP listening socket: one datagram is one message (RFC 3261 §18.1.1), no
 * framing. Datagrams above the maximum message size are dropped and counted; empty or CRLF-only keep-alive
 * datagrams are dropped; STUN Binding requests, the keep-alives of RFC 5626 §4.4.2, are answered here. Errors never close the socket: one bad peer must not silence the port.
 */
@ChannelHandler.Sharable
public final class DatagramHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(DatagramHandler.class);
    /** A copy into a right-sized buffer beats pinning a receive buffer this many times larger than the message. */
    private static final int COMPACT_RATIO = 4;

    private final ConnectorRuntime runtime;
    private final DatagramFlows flows;
    private final int maxMessageSize;
    /** Whether a datagram is copied out of its read buffer before it is delivered (see {@link #compact}). */
    private final boolean copyOut;
    private final LogThrottle errorLog = new LogThrottle(10, TimeUnit.SECONDS);
    /**
     * The socket whose read batch the current event loop is delivering, {@code null} between batches. Per thread,
     * not per handler: the handler is shared by the connector's sockets (one per event loop with SO_REUSEPORT).
     */
    private static final FastThreadLocal<Channel> READ_BATCH = new FastThreadLocal<>();

    public DatagramHandler(ConnectorRuntime runtime, DatagramFlows flows) {
        this.runtime = runtime;
        this.flows = flows;
        this.maxMessageSize = runtime.config().framing().maxMessageSize();
        this.copyOut = runtime.inboundKeepsMessages();
    }

    /**
     * Datagrams taken per read batch: with the epoll transport one {@code recvmmsg} fills this many slots of
     * {@link #receiveBufferSize} bytes each (Netty's {@code MAX_DATAGRAM_PAYLOAD_SIZE}); otherwise one read each,
     * up to this many per wake-up. Under load the messages of a batch share one wake-up, one system call and, for
     * the answers written on the event loop, one flush.
     */
    public static final int DATAGRAMS_PER_READ = 16;

    /**
     * The receive buffer size: one byte more than the largest accepted message, so that a larger datagram,
     * which the kernel truncates to the buffer, is recognised by its length; never above the 64 KiB a UDP
     * payload can have.
     */
    public static int receiveBufferSize(int maxMessageSize) {
        return Math.min(maxMessageSize + 1, 65536);
    }

    /**
     * Whether the caller runs on {@code socket}'s event loop inside one of its read batches: then a datagram written
     * without a flush leaves at the batch's end ({@link #channelReadComplete}) with the rest of the batch's answers.
     */
    static boolean inReadBatch(Channel socket) {
        return socket.eventLoop().inEventLoop() && READ_BATCH.get() == socket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        READ_BATCH.set(ctx.channel());
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > maxMessageSize) {
            runtime.metrics().oversizedDatagram();
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Connector '%s' dropped a datagram of more than %d bytes from %s", runtime.name(),
                        maxMessageSize, packet.sender());
            }
            packet.release();
            return;
        }
        if (isKeepAlive(content)) {
            flows.touch(packet.sender(), System.currentTimeMillis());
            packet.release();
            return;
        }
        if (StunKeepAlive.looksLikeStun(content)) {
            answerStun(ctx, packet);
            return;
        }
        DatagramFlow flow = flows.flowFor(ctx.channel(), packet.sender());
        flow.touch(System.currentTimeMillis());
        runtime.metrics().messageIn(length);
        runtime.deliver(flow, copyOut ? compact(ctx, content) : content);
    }

    /**
     * The end of a read batch: the answers {@link DatagramFlow#send} queued during it leave now, in one
     * {@code sendmmsg} with the epoll transport (a batch is at most two reads of {@link #DATAGRAMS_PER_READ}, far
     * below the socket's write queue limit). A flush with nothing queued returns at once.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        READ_BATCH.set(null);
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** RFC 5626 §4.4.2: a Binding request is a keep-alive of the sender's flow; anything else STUN is dropped. */
    private void answerStun(ChannelHandlerContext ctx, DatagramPacket packet) {
        try {
            if (StunKeepAlive.isBindingRequest(packet.content())) {
                flows.touch(packet.sender(), System.currentTimeMillis());
                runtime.metrics().keepAlivePing();
                ByteBuf response = StunKeepAlive.bindingResponse(ctx.alloc(), packet.content(), packet.sender());
                ctx.writeAndFlush(new DatagramPacket(response, packet.sender()), ctx.voidPromise());
            }
        } finally {
            packet.release();
        }
    }

    /**
     * The receive buffer is sized for the largest datagram; a typical message is a small fraction of it. A callee
     * that keeps messages ({@link org.sipcity.stack.transport.InboundHandler#keepsMessages}: queued, in a
     * transaction) gets a right-sized copy; one that releases each before it returns gets the slice.
     */
    private static ByteBuf compact(ChannelHandlerContext ctx, ByteBuf content) {
        int length = content.readableBytes();
        // A datagram of a batched read (recvmmsg) is a slice of the batch's buffer (perhaps inside a leak-detection
        // wrapper): judge the buffer it pins.
        ByteBuf pinned = content;
        while (pinned.unwrap() != null) {
            pinned = pinned.unwrap();
        }
        if (pinned.capacity() <= length * COMPACT_RATIO) {
            return content;
        }
        ByteBuf copy = ctx.alloc().directBuffer(length, length);
        copy.writeBytes(content);
        content.release();
        return copy;
    }

    /** Empty and CR/LF-only datagrams: keep-alives some user agents send to hold NAT bindings open. */
    private static boolean isKeepAlive(ByteBuf content) {
        int end = content.writerIndex();
        for (int i = content.readerIndex(); i < end; i++) {
            byte b = content.getByte(i);
            if (b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Send errors (ICMP reported unreachable, no route...) are the network's; the socket stays open. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (errorLog.tryAcquire()) {
            LOG.warnf("UDP connector '%s' on %s: %s (%d similar not logged)", runtime.name(),
                    ctx.channel().localAddress(), cause, errorLog.takeSuppressed());
        }
    }
}
