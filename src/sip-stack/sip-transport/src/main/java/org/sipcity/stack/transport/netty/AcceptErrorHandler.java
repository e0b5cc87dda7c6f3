package org.sipcity.stack.transport.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sits on a listening TCP/TLS socket and survives failed accepts, the typical one being EMFILE (too many
 * open files): accepting again at once would spin on the same error, so accepting pauses for a second, the
 * failure is counted and logged at most every 10 s with what to do about it. The listening socket stays open.
 */
@ChannelHandler.Sharable
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(AcceptErrorHandler.class);
    static final long PAUSE_MILLIS = 1000;

    private final ConnectorRuntime runtime;
    private final LogThrottle log = new LogThrottle(10, TimeUnit.SECONDS);

    public AcceptErrorHandler(ConnectorRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        runtime.metrics().acceptError();
        if (log.tryAcquire()) {
            String message = String.valueOf(cause.getMessage());
            String advice = message.toLowerCase(Locale.ROOT).contains("too many open files")
                    ? ": the process is out of file descriptors; raise its open-file limit or lower maxConnections"
                    : "";
            LOG.errorf("Connector '%s' failed to accept a connection on %s (%s)%s; accepting paused for %d ms"
                    + " (%d similar failures not logged)", runtime.name(), ctx.channel().localAddress(), cause,
                    advice, PAUSE_MILLIS, log.takeSuppressed());
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    config.setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
