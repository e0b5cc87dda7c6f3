package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.framing.KeepAlive;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/**
 * The last handler of a TCP or TLS pipeline: turns the connection into a {@link StreamFlow}, registers
 * it in the flow table once usable (TLS: after the handshake), and passes what {@link SipStreamDecoder}
 * cut to the inbound callback. Keep-alive pings are answered here, on the event loop, without waking
 * anyone (RFC 5626 §4.4.1: "the server MUST respond with a single CRLF").
 *
 * <p>It pushes back on a peer that reads our answers slower than it sends requests: above the write queue's
 * high water mark it stops reading from the connection, so that requests stay in the kernel and TCP flow
 * control slows the sender (Shen and Schulzrinne, TCP-based SIP overload control); below the low mark it
 * reads again. It closes a connection whose peer stopped reading altogether (the write stall timeout). The idle timeout is
 * enforced by the connector's periodic sweep over {@link StreamFlow#lastActivityMillis()}, which is kept
 * here: every message and keep-alive counts as activity.
 */
public final class StreamFlowHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(StreamFlowHandler.class);
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2, 2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final LogThrottle UNEXPECTED_ERROR_LOG = new LogThrottle(10, TimeUnit.SECONDS);

    private final ConnectorRuntime runtime;
    private final CompletableFuture<Flow> ready;
    private StreamFlow flow;
    private boolean registered;
    /** Set after a framing error: reading stopped for good, the connection is closing. */
    private boolean closing;
    private ScheduledFuture<?> stallCheck;

    /**
     * @param ready completed with the flow once usable, or failed if it never becomes usable; {@code null}
     *              for accepted connections
     */
    public StreamFlowHandler(ConnectorRuntime runtime, CompletableFuture<Flow> ready) {
        this.runtime = runtime;
        this.ready = ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        flow = new StreamFlow(runtime, ctx.channel());
        if (runtime.transport() == TransportType.TCP) {
            flowReady();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                flow.sslSession(ctx.pipeline().get(SslHandler.class).engine().getSession());
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
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf message) {
            flow.touch(System.currentTimeMillis());
            runtime.metrics().messageIn(message.readableBytes());
            runtime.deliver(flow, message);
        } else if (msg == KeepAlive.PING) {
            flow.touch(System.currentTimeMillis());
            runtime.metrics().keepAlivePing();
            ctx.writeAndFlush(CRLF.duplicate(), ctx.voidPromise());
        } else if (msg == KeepAlive.PONG) {
            flow.touch(System.currentTimeMillis());
        } else if (msg instanceof FramingError error) {
            framingError(ctx, error);
        } else {
            ReferenceCountUtil.release(msg);
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
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Above the high water mark the peer does not read what we send as fast as we answer it: stop taking new
     * work from it until it has drained to the low mark. If it does not drain within the stall timeout, it is
     * stuck (or malicious) and the connection is closed, releasing the queued buffers.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ChannelConfig config = ctx.channel().config();
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
        ctx.fireChannelWritabilityChanged();
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelStallCheck();
        if (registered) {
            registered = false;
            runtime.flowTable().remove(flow);
            runtime.flowClosed(flow);
        }
        failReady(new ClosedChannelException());
        ctx.fireChannelInactive();
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
