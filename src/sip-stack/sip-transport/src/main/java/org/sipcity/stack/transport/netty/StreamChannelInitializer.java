package org.sipcity.stack.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/**
 * Builds the pipeline of a TCP or TLS connection: {@code [tls] -> flow}, one {@link StreamFlowHandler} that frames,
 * consolidates flushes and pushes back (one handler context per connection, not three). Accepted connections beyond
 * the connector's maximum are refused here, before any handler or buffer exists.
 */
public final class StreamChannelInitializer extends ChannelInitializer<Channel> {

    private final ConnectorRuntime runtime;
    private final InetSocketAddress outboundRemote;
    private final CompletableFuture<Flow> outboundReady;

    /** For connections accepted by a listening socket. */
    public static StreamChannelInitializer accepted(ConnectorRuntime runtime) {
        return new StreamChannelInitializer(runtime, null, null);
    }

    /** For one connection this side opens to {@code remote}; {@code ready} completes when it is usable. */
    public static StreamChannelInitializer outbound(ConnectorRuntime runtime, InetSocketAddress remote,
            CompletableFuture<Flow> ready) {
        return new StreamChannelInitializer(runtime, remote, ready);
    }

    private StreamChannelInitializer(ConnectorRuntime runtime, InetSocketAddress outboundRemote,
            CompletableFuture<Flow> outboundReady) {
        this.runtime = runtime;
        this.outboundRemote = outboundRemote;
        this.outboundReady = outboundReady;
    }

    @Override
    protected void initChannel(Channel ch) {
        boolean outbound = outboundReady != null;
        if (outbound) {
            runtime.acquireOutboundConnection();
        } else if (!runtime.tryAcquireConnection()) {
            runtime.refuse(ch);
            return;
        }
        runtime.metrics().connectionOpened(outbound); // counted out by StreamFlowHandler.channelUnregistered
        runtime.opening(ch); // no channel group: the flow table knows the connection once it is a flow

        ChannelPipeline pipeline = ch.pipeline();
        if (runtime.transport() == TransportType.TLS) {
            SslHandler tls = outbound
                    ? runtime.clientSsl().newHandler(ch.alloc(), outboundRemote.getHostString(), outboundRemote.getPort())
                    : runtime.serverSsl().newHandler(ch.alloc());
            tls.setHandshakeTimeoutMillis(runtime.config().tlsHandshakeTimeout().toMillis());
            pipeline.addLast("tls", tls);
        }
        pipeline.addLast("flow", new StreamFlowHandler(runtime, outboundReady));
    }
}
