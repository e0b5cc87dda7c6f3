package org.sipcity.stack.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.sipcity.stack.transport.netty.AcceptErrorHandler;
import org.sipcity.stack.transport.netty.CompactReceiveAllocator;
import org.sipcity.stack.transport.netty.ConnectorRuntime;
import org.sipcity.stack.transport.netty.StreamChannelInitializer;
import org.sipcity.stack.transport.netty.StreamFlow;

/** A TCP or TLS connector: listening socket(s) plus the connections accepted and opened through it. */
final class StreamConnector extends SipConnector {

    private static final Logger LOG = Logger.getLogger(StreamConnector.class);

    /**
     * Receive buffers start at 2 KiB, enough for a typical REGISTER in one read, grow to 64 KiB under load
     * and shrink back; the pooled buffer returns to the pool as soon as the framer consumed it whole. Netty's adaptive
     * sizing with a compact handle per connection ({@link CompactReceiveAllocator}).
     */
    private static final int RECEIVE_MIN = 64;
    private static final int RECEIVE_INITIAL = 2048;
    private static final int RECEIVE_MAX = 65536;

    private final ConcurrentHashMap<InetSocketAddress, CompletableFuture<Flow>> pendingConnects =
            new ConcurrentHashMap<>();
    private final ServerBootstrap server;

    StreamConnector(SipTransports transports, ConnectorRuntime runtime) {
        super(transports, runtime);
        SipConnectorConfig config = runtime.config();
        // Accepted connections go round-robin over the whole group even when each event loop has a listening socket of
        // its own: the kernel spreads connections over those sockets by a hash, so two persistent connections (two
        // SIPp processes, two proxies in front) would share one loop half of the time. Round-robin puts them on two.
        server = new ServerBootstrap()
                .group(transports.group(), transports.group())
                .channel(transports.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptErrorHandler(runtime))
                .childHandler(StreamChannelInitializer.accepted(runtime));
        if (transports.nativeEpoll() && config.reusePort()) {
            server.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        if (transports.nativeEpoll() && !config.deferAccept().isZero()) {
            // Whole seconds, rounded up: Linux turns them into a count of SYN-ACK retransmissions.
            long seconds = (config.deferAccept().toMillis() + 999) / 1000;
            server.option(EpollChannelOption.TCP_DEFER_ACCEPT, (int) Math.min(Integer.MAX_VALUE, seconds));
        }
        if (config.receiveBufferSize() > 0) {
            // On the listening socket too: Linux sizes an accepted connection's first window and its window scale
            // from the listener's buffer, before the child option applies.
            server.option(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
        }
        childOptions(config, server, transports.readSaturation());
    }

    /** Adaptive receive buffers, each read batch counted for the overload valve ({@link ReadSaturationMeter}). */
    private static CompactReceiveAllocator receiveAllocator(ReadSaturationMeter readSaturation) {
        return new CompactReceiveAllocator(RECEIVE_MIN, RECEIVE_INITIAL, RECEIVE_MAX, readSaturation);
    }

    private static void childOptions(SipConnectorConfig config, ServerBootstrap b, ReadSaturationMeter readSaturation) {
        b.childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, receiveAllocator(readSaturation))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
                .childOption(ChannelOption.SO_KEEPALIVE, true);
        if (config.receiveBufferSize() > 0) {
            b.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
        }
        if (config.sendBufferSize() > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, config.sendBufferSize());
        }
    }

    private Bootstrap client(InetSocketAddress remote, CompletableFuture<Flow> ready) {
        SipConnectorConfig config = config();
        Bootstrap b = new Bootstrap()
                .group(transports.group())
                .channel(transports.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, receiveAllocator(transports.readSaturation()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .option(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(StreamChannelInitializer.outbound(runtime, remote, ready));
        if (config.receiveBufferSize() > 0) {
            b.option(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
        }
        if (config.sendBufferSize() > 0) {
            b.option(ChannelOption.SO_SNDBUF, config.sendBufferSize());
        }
        InetSocketAddress bind = config.bindAddress();
        if (!bind.getAddress().isAnyLocalAddress()) {
            // Leave from the connector's address, so what a Via or Record-Route names is where we come from.
            b.localAddress(new InetSocketAddress(bind.getAddress(), 0));
        }
        return b;
    }

    @Override
    ChannelFuture bindOne(InetSocketAddress address) {
        return server.bind(address);
    }

    @Override
    CompletableFuture<Flow> connectResolved(InetSocketAddress remote) {
        Flow existing = runtime.flowTable().find(transport(), remote);
        if (existing != null) {
            return CompletableFuture.completedFuture(existing);
        }
        CompletableFuture<Flow> ready = new CompletableFuture<>();
        CompletableFuture<Flow> pending = pendingConnects.putIfAbsent(remote, ready);
        if (pending != null) {
            return pending; // one connection per remote even when many requests ask for it at once
        }
        existing = runtime.flowTable().find(transport(), remote);
        if (existing != null) { // opened while we reserved the slot
            pendingConnects.remove(remote, ready);
            ready.complete(existing);
            return ready;
        }
        ready.whenComplete((flow, failure) -> pendingConnects.remove(remote, ready));
        client(remote, ready).connect(remote).addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                ConnectException failure = new ConnectException("connector '" + name() + "' cannot connect "
                        + transport() + " to " + remote + ": " + connected.cause().getMessage());
                failure.initCause(connected.cause());
                ready.completeExceptionally(failure);
            }
        });
        return ready;
    }

    /** Connections still in their TLS handshake are not flows yet: the handshake timeout bounds them. */
    @Override
    void closeIdleFlows(long nowMillis, long idleMillis) {
        for (Flow flow : runtime.flowTable().flows()) {
            if (flow instanceof StreamFlow stream && stream.connectorName().equals(name())
                    && nowMillis - stream.lastActivityMillis() >= idleMillis && stream.isOpen()) {
                runtime.metrics().idleClosed();
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("Closing %s: nothing received for %s", stream, config().idleTimeout());
                }
                stream.close();
            }
        }
    }

    @Override
    void closeFlows() {
        runtime.closeAll(transports.config().shutdownTimeout().toMillis());
    }
}
