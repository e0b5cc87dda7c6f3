package org.sipcity.stack.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.sipcity.stack.transport.netty.ConnectorRuntime;

/**
 * The SIP transports of one server: the event loops (shared by all connectors), the connectors, the
 * {@link FlowTable} and outbound connections. Everything received goes to one {@link InboundHandler}.
 *
 * <p>Start and stop run on a management thread and may block briefly; {@link #connect} and everything on
 * a {@link Flow} never block. See the module README for the threading model.
 */
public final class SipTransports implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SipTransports.class);

    private final SipTransportsConfig config;
    private final InboundHandler inbound;
    private final FlowTable flowTable = new FlowTable();
    private final EventLoopGroup group;
    private final List<SipConnector> connectors = new CopyOnWriteArrayList<>();
    private final ReadSaturationMeter readSaturation = new ReadSaturationMeter();
    private final DatagramDrops datagramDrops = new DatagramDrops();
    private volatile boolean closed;

    public SipTransports(SipTransportsConfig config, InboundHandler inbound) {
        this.config = Objects.requireNonNull(config, "config");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        DefaultThreadFactory threads = new DefaultThreadFactory(config.threadNamePrefix(), false);
        this.group = config.nativeEpoll()
                ? new EpollEventLoopGroup(config.eventLoopThreads(), threads)
                : new NioEventLoopGroup(config.eventLoopThreads(), threads);
    }

    public SipTransportsConfig config() {
        return config;
    }

    /** True when the event loops use native epoll, false for Java NIO. */
    public boolean nativeEpoll() {
        return config.nativeEpoll();
    }

    public FlowTable flowTable() {
        return flowTable;
    }

    /** The running connectors, in start order. */
    public List<SipConnector> connectors() {
        return List.copyOf(connectors);
    }

    /** The first running connector of {@code type} in start order, or {@code null}; asked per request, so no copy. */
    public SipConnector firstConnector(TransportType type) {
        for (SipConnector connector : connectors) {
            if (connector.transport() == type) {
                return connector;
            }
        }
        return null;
    }

    /** The running connector of that name, or {@code null}. */
    public SipConnector connector(String name) {
        for (SipConnector connector : connectors) {
            if (connector.name().equals(name)) {
                return connector;
            }
        }
        return null;
    }

    /**
     * Binds a new connector. Blocks until bound; must not be called on an event loop.
     *
     * @throws java.net.BindException naming connector and address if the port is taken
     * @throws IllegalStateException if a connector of that name runs already, or this is closed
     */
    public synchronized SipConnector start(SipConnectorConfig connectorConfig) throws IOException {
        if (closed) {
            throw new IllegalStateException("SIP transports are closed");
        }
        if (connector(connectorConfig.name()) != null) {
            throw new IllegalStateException("a SIP connector named '" + connectorConfig.name() + "' runs already");
        }
        ConnectorRuntime runtime = new ConnectorRuntime(connectorConfig, new TransportMetrics(), flowTable, inbound);
        SipConnector connector = connectorConfig.transport() == TransportType.UDP
                ? new DatagramConnector(this, runtime)
                : new StreamConnector(this, runtime);
        boolean spread = nativeEpoll() && connectorConfig.reusePort();
        connector.bind(spread ? config.eventLoopThreads() : 1);
        connectors.add(connector);
        return connector;
    }

    /**
     * A flow of {@code transport} to {@code remote}: an open one if any connector has it (responses and
     * requests share connections, RFC 5923), else a new one opened through the first connector of that
     * transport. Never blocks. {@code remote} must be resolved (see {@link SipConnector#connect}).
     */
    public CompletableFuture<Flow> connect(TransportType transport, InetSocketAddress remote) {
        Flow existing = flowTable.find(transport, remote);
        if (existing != null) {
            return CompletableFuture.completedFuture(existing);
        }
        for (SipConnector connector : connectors) {
            if (connector.transport() == transport) {
                return connector.connect(remote);
            }
        }
        return CompletableFuture.failedFuture(new IllegalStateException("no " + transport + " connector is running"));
    }

    /** Stops every connector and the event loops; blocks for at most about twice the shutdown timeout. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (SipConnector connector : connectors) {
            connector.close();
        }
        long timeout = config.shutdownTimeout().toMillis();
        if (!group.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeout)) {
            LOG.warnf("SIP event loops did not stop within %d ms", timeout);
        }
    }

    void removed(SipConnector connector) {
        connectors.remove(connector);
    }

    EventLoopGroup group() {
        return group;
    }

    /**
     * The event loops, for tasks that must run on them (the overload valve's lag probes). Never block on them
     * and never shut them down: {@link #close()} does.
     */
    public io.netty.util.concurrent.EventExecutorGroup eventLoops() {
        return group;
    }

    /**
     * How much of each event loop's time goes into read batches cut off with data still waiting in the socket (the
     * overload valve's signal of a loop that cannot keep up with its sockets).
     */
    public ReadSaturationMeter readSaturation() {
        return readSaturation;
    }

    /**
     * The datagrams the kernel dropped at the full receive queues of the UDP connectors' sockets (the overload
     * valve's signal of a UDP overload's excess); sampled by a timer, never per message.
     */
    public DatagramDrops datagramDrops() {
        return datagramDrops;
    }

    Class<? extends ServerSocketChannel> serverChannelType() {
        return nativeEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannelType() {
        return nativeEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends DatagramChannel> datagramChannelType() {
        return nativeEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
