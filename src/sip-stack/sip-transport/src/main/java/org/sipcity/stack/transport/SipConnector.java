package org.sipcity.stack.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.sipcity.stack.transport.netty.ConnectorRuntime;

/**
 * One listening address of one transport, started by {@link SipTransports#start(SipConnectorConfig)}. With
 * epoll and {@link SipConnectorConfig#reusePort()}, it binds one socket per event loop on the same port.
 * Its counters are in {@link #metrics()}.
 */
public abstract sealed class SipConnector implements AutoCloseable permits StreamConnector, DatagramConnector {

    private static final Logger LOG = Logger.getLogger(SipConnector.class);
    /** How often idle flows are looked for, at most. */
    private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(1);

    final SipTransports transports;
    final ConnectorRuntime runtime;
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ScheduledFuture<?> idleSweeper;
    private volatile ScheduledFuture<?> rateSampler;
    private volatile InetSocketAddress localAddress;

    SipConnector(SipTransports transports, ConnectorRuntime runtime) {
        this.transports = transports;
        this.runtime = runtime;
    }

    public String name() {
        return runtime.name();
    }

    public TransportType transport() {
        return runtime.transport();
    }

    public SipConnectorConfig config() {
        return runtime.config();
    }

    /** The bound address, with the actual port when the configuration asked for port 0. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public TransportMetrics metrics() {
        return runtime.metrics();
    }

    /** Connections (UDP: tracked flows) open now, inbound and outbound. */
    public int openConnections() {
        return runtime.openConnections();
    }

    /** The listening sockets: one, or one per event loop with SO_REUSEPORT. */
    public List<Channel> listeningChannels() {
        synchronized (listeners) {
            return List.copyOf(listeners);
        }
    }

    /**
     * A flow to {@code remote} over this connector's transport: an open one if there is one (RFC 5923
     * connection reuse), else a new connection (for UDP, a flow on this connector's socket). Never blocks;
     * the future completes on an event loop, so what is chained to it must not block either.
     *
     * <p>{@code remote} must be resolved: choosing the address of a SIP URI is RFC 3263's business, done by
     * the caller, and a DNS lookup must never run on an event loop. An unresolved address fails the future
     * with an {@link IllegalArgumentException}.
     */
    public final CompletableFuture<Flow> connect(InetSocketAddress remote) {
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "connector '" + name() + "' connects to resolved addresses only, not " + remote));
        }
        if (isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connector '" + name() + "' is stopped"));
        }
        return connectResolved(remote);
    }

    abstract CompletableFuture<Flow> connectResolved(InetSocketAddress remote);

    /**
     * Binds the listening socket(s). Blocks until bound; must not run on an event loop.
     *
     * @throws BindException naming the connector and address when the port is taken or the address unknown
     */
    final void bind(int sockets) throws IOException {
        InetSocketAddress address = config().bindAddress();
        for (int i = 0; i < sockets; i++) {
            ChannelFuture bound = bindOne(address).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                closeListeners();
                throw bindFailure(address, bound.cause());
            }
            synchronized (listeners) {
                listeners.add(bound.channel());
            }
            if (i == 0) {
                // Port 0 asked: the kernel chose one; the other SO_REUSEPORT sockets must take the same.
                address = (InetSocketAddress) bound.channel().localAddress();
                localAddress = address;
            }
        }
        bound();
        LOG.infof("SIP connector '%s' listening on %s %s (%d socket%s, %s)", name(), transport(), describe(localAddress),
                sockets, sockets == 1 ? "" : "s", transports.nativeEpoll() ? "epoll" : "nio");
    }

    abstract ChannelFuture bindOne(InetSocketAddress address);

    /**
     * Starts the idle sweep once every listening socket is bound. One periodic task per connector, not a
     * timer per connection: 300 000 idle connections cost no scheduled task each, and a minute's
     * lateness on a timeout of hours does not matter.
     */
    private void bound() {
        Duration idle = config().idleTimeout();
        List<Channel> sockets = listeningChannels();
        if (sockets.isEmpty()) {
            return;
        }
        TransportMetrics metrics = metrics();
        rateSampler = sockets.get(0).eventLoop().scheduleAtFixedRate(metrics::sampleRates, 1, 1, TimeUnit.SECONDS);
        if (idle.isZero()) {
            return;
        }
        long idleMillis = idle.toMillis();
        long interval = Math.max(1, Math.min(idleMillis / 2, MAX_SWEEP_INTERVAL.toMillis()));
        idleSweeper = sockets.get(0).eventLoop().scheduleAtFixedRate(() -> {
            try {
                closeIdleFlows(System.currentTimeMillis(), idleMillis);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Idle sweep of SIP connector '%s' failed", name());
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * The open flows of this connector, those {@code remote} names if it is not {@code null}, at most {@code limit}
     * of them, in no particular order. A walk over the flow table: meant for management, not the hot path.
     */
    public List<Flow> flows(RemoteFlowAddress remote, int limit) {
        List<Flow> found = new ArrayList<>(Math.min(limit, 64));
        if (limit <= 0) {
            return found;
        }
        for (Flow flow : runtime.flowTable().flows()) {
            if (flow.connectorName().equals(name()) && flow.isOpen() && (remote == null || remote.matches(flow))) {
                found.add(flow);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        return found;
    }

    /** The open flow of this connector with that id (a flow token, see {@link Flow#id()}), or {@code null}. */
    public Flow flow(String id) {
        Flow flow = runtime.flowTable().get(id);
        return flow != null && flow.connectorName().equals(name()) ? flow : null;
    }

    /**
     * Closes the flows of this connector that {@code remote} names: TCP and TLS connections are closed (TLS after
     * close_notify), UDP flows are forgotten (the next datagram opens a new one). The peer of a registered flow sees
     * its connection end and, if it follows RFC 5626, registers again.
     *
     * @return the flows closed
     */
    public List<Flow> closeFlowsOf(RemoteFlowAddress remote) {
        List<Flow> closing = flows(remote, Integer.MAX_VALUE);
        closing.forEach(this::closeOnRequest);
        return closing;
    }

    /** Closes the flow of this connector with that id; {@code null} if this connector has no such open flow. */
    public Flow closeFlow(String id) {
        Flow flow = flow(id);
        if (flow != null) {
            closeOnRequest(flow);
        }
        return flow;
    }

    private void closeOnRequest(Flow flow) {
        LOG.infof("Closing %s flow %s from %s on connector '%s' at an operator's request", flow.transport(),
                flow.id(), describe(flow.remoteAddress()), name());
        flow.close();
    }

    /** Closes the flows of this connector on which nothing arrived for {@code idleMillis}. */
    abstract void closeIdleFlows(long nowMillis, long idleMillis);

    /** Closes the flows of this connector; the listening sockets are closed already. */
    abstract void closeFlows();

    /** Stops listening and closes every flow of this connector. Blocks for at most the shutdown timeout. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[] {idleSweeper, rateSampler}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        closeListeners();
        closeFlows();
        transports.removed(this);
        LOG.infof("SIP connector '%s' on %s %s stopped", name(), transport(),
                localAddress == null ? "(not bound)" : describe(localAddress));
    }

    boolean isClosed() {
        return closed.get();
    }

    private void closeListeners() {
        List<Channel> toClose = listeningChannels();
        for (Channel channel : toClose) {
            channel.close().awaitUninterruptibly(transports.config().shutdownTimeout().toMillis());
        }
        synchronized (listeners) {
            listeners.clear();
        }
    }

    private BindException bindFailure(InetSocketAddress address, Throwable cause) {
        String reason = cause == null ? "unknown cause" : cause.getMessage();
        BindException failure = new BindException("SIP connector '" + name() + "' cannot bind " + transport()
                + " to " + describe(address) + ": " + reason);
        failure.initCause(cause);
        return failure;
    }

    /** {@code 192.0.2.1:5060} or {@code [2001:db8::1]:5060}: the address as an operator would type it. */
    static String describe(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ":" + address.getPort();
        }
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "SipConnector[" + name() + " " + transport() + " " + localAddress + "]";
    }
}
