package org.sipcity.stack.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.sipcity.stack.transport.netty.ConnectorRuntime;
import org.sipcity.stack.transport.netty.DatagramFlows;
import org.sipcity.stack.transport.netty.DatagramHandler;

/** A UDP connector: listening socket(s) and the flows of the remote addresses seen on them. */
final class DatagramConnector extends SipConnector {

    /** How often idle UDP flows are looked for, at most: a minute's lateness on a 2 h timeout does not matter. */
    private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final DatagramFlows flows;
    private final Bootstrap bootstrap;
    private volatile ScheduledFuture<?> sweeper;

    DatagramConnector(SipTransports transports, ConnectorRuntime runtime) {
        super(transports, runtime);
        this.flows = new DatagramFlows(runtime);
        SipConnectorConfig config = runtime.config();
        bootstrap = new Bootstrap()
                .group(transports.group())
                .channel(transports.datagramChannelType())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(DatagramHandler.receiveBufferSize(config.framing().maxMessageSize())))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .handler(new DatagramHandler(runtime, flows));
        if (transports.nativeEpoll() && config.reusePort()) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        if (config.receiveBufferSize() > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, config.receiveBufferSize());
        }
        if (config.sendBufferSize() > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, config.sendBufferSize());
        }
    }

    @Override
    ChannelFuture bindOne(InetSocketAddress address) {
        return bootstrap.bind(address);
    }

    /** Starts expiring idle flows, on the first socket's event loop. */
    @Override
    void bound() {
        Duration idle = config().idleTimeout();
        List<Channel> sockets = listeningChannels();
        if (idle.isZero() || sockets.isEmpty()) {
            return;
        }
        long idleMillis = idle.toMillis();
        long interval = Math.max(1, Math.min(idleMillis / 2, MAX_SWEEP_INTERVAL.toMillis()));
        sweeper = sockets.get(0).eventLoop().scheduleAtFixedRate(
                () -> flows.expire(System.currentTimeMillis(), idleMillis), interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The flow for {@code remote} on this connector's socket; UDP has no connection to wait for. */
    @Override
    public CompletableFuture<Flow> connect(InetSocketAddress remote) {
        List<Channel> sockets = listeningChannels();
        if (sockets.isEmpty() || isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connector '" + name() + "' is stopped"));
        }
        Channel socket = sockets.get(Math.floorMod(remote.hashCode(), sockets.size()));
        return CompletableFuture.completedFuture(flows.flowFor(socket, remote));
    }

    @Override
    void closeFlows() {
        ScheduledFuture<?> s = sweeper;
        if (s != null) {
            s.cancel(false);
        }
        flows.closeAll();
    }
}
