package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.framing.KeepAlive;
import org.sipcity.stack.framing.SipStreamFramer;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/**
 * The one handler of a TCP connection's pipeline (behind {@link SslHandler} for TLS): cuts the stream into SIP
 * messages with {@link SipStreamFramer}, turns the connection into a {@link StreamFlow}, registers it in the flow
 * table once usable (TLS: after the handshake), and passes each message to the inbound callback. Keep-alive pings are
 * answered here, on the event loop, without waking anyone (RFC 5626 §4.4.1: "the server MUST respond with a single
 * CRLF").
 *
 * <p>One handler rather than a framer, a flush consolidator and a flow handler in a row: every handler in a
 * pipeline costs its own context object, and 300,000 idle connections pay that 300,000 times. The three jobs stay
 * apart in the code:
 * <ul>
 * <li><b>Framing</b> ({@link #decode}): whatever the framer cuts is handled at once, never queued; after a framing
 * error the rest of the stream is discarded, since where the next message starts can no longer be known (RFC 3261
 * §18.3). Nothing is kept while the connection is idle: {@link ByteToMessageDecoder} releases its cumulation as
 * soon as every byte was consumed, and the framer goes back to the connector's {@link IdleFramers} as soon as it
 * holds nothing of the stream.
 * <li><b>Flush consolidation</b> ({@link #deferFlushOnEventLoop}): answers written on the event loop during a read (pongs,
 * the overload valve's 503s, several bundled requests) leave in one flush at the end of the read, one system call
 * (and one TLS record flush) instead of one each; a long read burst still flushes every
 * {@value #WRITES_BEFORE_FORCED_FLUSH} writes. Writes from other threads are flushed by the last of a run of them on the event loop ({@link StreamFlow#send}).
 * <li><b>Back-pressure</b> ({@link #channelWritabilityChanged}): above the write queue's high water mark the peer
 * reads our answers slower than it sends requests, so reading stops and TCP flow control slows the sender (Shen and
 * Schulzrinne, TCP-based SIP overload control); below the low mark it resumes. A connection whose peer stopped
 * reading altogether is closed after the write stall timeout. The idle timeout is enforced by the connector's
 * periodic sweep over {@link StreamFlow#lastActivityMillis()}, kept here: every message and keep-alive counts.
 * </ul>
 */
public final class StreamFlowHandler extends ByteToMessageDecoder {

    private static final Logger LOG = Logger.getLogger(StreamFlowHandler.class);
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2, 2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final LogThrottle UNEXPECTED_ERROR_LOG = new LogThrottle(10, TimeUnit.SECONDS);
    /** Netty's FlushConsolidationHandler default: a long read burst still flushes every 256 writes. */
    static final int WRITES_BEFORE_FORCED_FLUSH = 256;

    private final ConnectorRuntime runtime;
    private final CompletableFuture<Flow> ready;
    /** Only while the stream is mid-message (or mid-read): an idle connection holds no framer. */
    private SipStreamFramer framer;
    private StreamFlow flow;
    private boolean registered;
    /** Set after a framing error: the rest of the stream is discarded and reading stopped for good. */
    private boolean closing;
    private ScheduledFuture<?> stallCheck;
    /** Event-loop state of the flush consolidation. */
    private boolean readInProgress;
    private int unflushedWrites;

    /**
     * @param ready completed with the flow once usable, or failed if it never becomes usable; {@code null}
     *              for accepted connections
     */
    public StreamFlowHandler(ConnectorRuntime runtime, CompletableFuture<Flow> ready) {
        this.runtime = runtime;
        this.ready = ready;
    }

    ConnectorRuntime runtime() {
        return runtime;
    }

    /** Whether this connection holds a framer now (only mid-message): for diagnostics and tests, on the event loop. */
    public boolean holdsFramer() {
        return framer != null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        flow = runtime.transport() == TransportType.TLS ? new TlsStreamFlow(this, ctx.channel())
                : new StreamFlow(this, ctx.channel());
        if (runtime.transport() == TransportType.TCP) {
            flowReady();
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                ((TlsStreamFlow) flow).sslSession(ctx.pipeline().get(SslHandler.class).engine().getSession());
                flowReady();
            } else {
                runtime.metrics().tlsHandshakeFailed();
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("TLS handshake with %s on connector '%s' failed: %s", ctx.channel().remoteAddress(),
                            runtime.name(), handshake.cause());
                }
                failReady(handshake.cause());
                ctx.close();
            }
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readInProgress = true;
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (framer == null) {
            framer = runtime.idleFramers().take();
        }
        framer.decode(in, out);
        if (!in.isReadable() && framer.isBetweenMessages()) {
            runtime.idleFramers().giveBack(framer);
            framer = null;
        }
        // Handled here, not passed on: this handler is also the one the framed items were for.
        int i = 0;
        try {
            for (; i < out.size(); i++) {
                handle(ctx, in, out.get(i));
            }
        } finally {
            for (int rest = i + 1; rest < out.size(); rest++) {
                ReferenceCountUtil.release(out.get(rest));
            }
            out.clear();
        }
    }

    private void handle(ChannelHandlerContext ctx, ByteBuf in, Object item) {
        if (item instanceof ByteBuf message) {
            flow.touch(System.currentTimeMillis());
            runtime.metrics().messageIn(message.readableBytes());
            runtime.deliver(flow, message);
        } else if (item == KeepAlive.PING) {
            flow.touch(System.currentTimeMillis());
            runtime.metrics().keepAlivePing();
            ByteBuf pong = CRLF.duplicate();
            if (deferFlushOnEventLoop()) {
                ctx.write(pong, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(pong, ctx.voidPromise());
            }
        } else if (item == KeepAlive.PONG) {
            flow.touch(System.currentTimeMillis());
        } else if (item instanceof FramingError error) {
            in.skipBytes(in.readableBytes());
            framingError(ctx, error);
        } else {
            ReferenceCountUtil.release(item);
        }
    }

    /**
     * For a write on this connection's event loop: whether to leave its flush to the end of the read in progress
     * (counting it), or flush it now (no read in progress, or {@value #WRITES_BEFORE_FORCED_FLUSH} writes waited).
     */
    boolean deferFlushOnEventLoop() {
        if (readInProgress && ++unflushedWrites < WRITES_BEFORE_FORCED_FLUSH) {
            return true;
        }
        unflushedWrites = 0;
        return false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        readInProgress = false;
        flushIfPending(ctx);
        super.channelReadComplete(ctx);
    }

    private void flushIfPending(ChannelHandlerContext ctx) {
        if (unflushedWrites > 0) {
            unflushedWrites = 0;
            ctx.flush();
        }
    }

    /**
     * Lets the callee answer (a 400 or 413 it sends on the flow), then flushes and closes: the rest of the
     * stream cannot be framed any more.
     */
    private void framingError(ChannelHandlerContext ctx, FramingError error) {
        runtime.metrics().framingError();
        closing = true;
        ctx.channel().config().setAutoRead(false);
        try {
            runtime.deliverFramingError(flow, error);
        } finally {
            ReferenceCountUtil.safeRelease(error.headBytes());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Closing %s after a framing error: %d %s", flow, error.statusCode(), error.reasonPhrase());
        }
        unflushedWrites = 0;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Above the high water mark the peer does not read what we send as fast as we answer it: stop taking new
     * work from it until it has drained to the low mark. If it does not drain within the stall timeout, it is
     * stuck (or malicious) and the connection is closed, releasing the queued buffers.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ChannelConfig config = ctx.channel().config();
        if (!ctx.channel().isWritable()) {
            flushIfPending(ctx); // what a read answered so far can drain meanwhile
        }
        // Judged after that flush: when the peer took everything, the writable event already fired inside it, and
        // pausing now would stop reading for good with nothing left to write that could resume it.
        if (!ctx.channel().isWritable()) {
            if (config.isAutoRead() && !closing) {
                config.setAutoRead(false);
                runtime.metrics().readPaused();
            }
            if (stallCheck == null) {
                stallCheck = ctx.executor().schedule(() -> closeIfStalled(ctx),
                        runtime.config().writeStallTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        } else {
            cancelStallCheck();
            if (!closing) {
                config.setAutoRead(true);
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    private void closeIfStalled(ChannelHandlerContext ctx) {
        stallCheck = null;
        if (ctx.channel().isActive() && !ctx.channel().isWritable()) {
            runtime.metrics().stalledClosed();
            LOG.infof("Closing %s: the peer has not read its pending %d bytes for %s", flow,
                    ctx.channel().unsafe().outboundBuffer() == null ? 0
                            : ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes(),
                    runtime.config().writeStallTimeout());
            ctx.close();
        }
    }

    /** What a last read held is delivered first (by {@link ByteToMessageDecoder}), then the flow leaves the table. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            cancelStallCheck();
            if (registered) {
                registered = false;
                runtime.flowTable().remove(flow);
                runtime.flowClosed(flow);
            }
            if (ready != null && !ready.isDone()) {
                // Only an outbound connection that closed before it was usable has someone waiting: an accepted
                // one must not pay for an exception (and its stack trace) on every close.
                ready.completeExceptionally(new ClosedChannelException());
            }
        }
    }

    /**
     * Every connection that got this handler was counted in ({@link StreamChannelInitializer}); it is counted out
     * here rather than by a listener on its close future, one object less per connection.
     */
    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) throws Exception {
        runtime.settled(ctx.channel()); // closed before it ever became one: no longer this connector's
        runtime.releaseConnection();
        super.channelUnregistered(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isPeerTrouble(cause)) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Closing %s after %s", flow != null ? flow : ctx.channel(), cause.toString());
            }
        } else if (UNEXPECTED_ERROR_LOG.tryAcquire()) {
            LOG.warnf(cause, "Closing %s on connector '%s' after an unexpected error (%d similar not logged)",
                    flow != null ? flow : ctx.channel(), runtime.name(), UNEXPECTED_ERROR_LOG.takeSuppressed());
        }
        flushIfPending(ctx);
        ctx.close();
    }

    /** Resets, broken pipes, TLS alerts and timeouts are the peer's or the network's doing: not worth a warning. */
    private static boolean isPeerTrouble(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return c instanceof IOException || c instanceof SSLException || c instanceof TimeoutException;
    }

    private void flowReady() {
        registered = true;
        runtime.flowTable().add(flow);
        runtime.settled(flow.channel());
        runtime.flowOpened(flow);
        if (ready != null) {
            ready.complete(flow);
        }
    }

    private void failReady(Throwable cause) {
        if (ready != null && !ready.isDone()) {
            ready.completeExceptionally(cause);
        }
    }

    private void cancelStallCheck() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }
}
