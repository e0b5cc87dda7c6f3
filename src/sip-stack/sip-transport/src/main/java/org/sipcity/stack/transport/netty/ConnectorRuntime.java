package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.FlowTable;
import org.sipcity.stack.transport.InboundHandler;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TlsClientAuth;
import org.sipcity.stack.transport.TransportMetrics;
import org.sipcity.stack.transport.TransportType;

/**
 * What the channel handlers of one connector share: its settings, counters, the flow table, the inbound
 * callback, the connection count and, for TLS, the Netty SSL contexts built once from the caller's
 * {@link SSLContext}. Thread-safe.
 */
public final class ConnectorRuntime {

    private static final Logger LOG = Logger.getLogger(ConnectorRuntime.class);

    private final SipConnectorConfig config;
    private final TransportMetrics metrics;
    private final FlowTable flowTable;
    private final InboundHandler inbound;
    private final AtomicInteger connections = new AtomicInteger();
    private final LogThrottle refusedLog = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle callbackErrorLog = new LogThrottle(10, TimeUnit.SECONDS);
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    private final IdleFramers idleFramers;
    /**
     * Connections of this connector that are not in the flow table yet (TLS in its handshake, outbound before it
     * connected): with the flow table they are everything {@link #closeAll} has to close. A connection leaves this
     * set as it enters the table, so an idle flow costs no entry here.
     */
    private final Set<Channel> notYetFlows = ConcurrentHashMap.newKeySet();

    public ConnectorRuntime(SipConnectorConfig config, TransportMetrics metrics, FlowTable flowTable,
            InboundHandler inbound) {
        this.config = config;
        this.metrics = metrics;
        this.flowTable = flowTable;
        this.inbound = inbound;
        SSLContext ssl = config.sslContext();
        this.serverSsl = ssl == null ? null : nettyContext(ssl, false, config.clientAuth());
        this.clientSsl = ssl == null ? null : nettyContext(ssl, true, TlsClientAuth.NONE);
        this.idleFramers = new IdleFramers(config.framing());
    }

    public SipConnectorConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public TransportType transport() {
        return config.transport();
    }

    public TransportMetrics metrics() {
        return metrics;
    }

    public FlowTable flowTable() {
        return flowTable;
    }

    /** Framers not in use by any connection of this connector, per event loop. */
    IdleFramers idleFramers() {
        return idleFramers;
    }

    /** A connection just initialised; it is counted as one of this connector's until {@link #settled}. */
    void opening(Channel channel) {
        notYetFlows.add(channel);
    }

    /** The connection is in the flow table now, or closed without ever getting there. */
    void settled(Channel channel) {
        notYetFlows.remove(channel);
    }

    /**
     * Closes every connection of this connector, flows and connections not yet flows, and waits at most {@code
     * timeoutMillis} for them to close. For the connector's own shutdown (its listening sockets closed first).
     */
    public void closeAll(long timeoutMillis) {
        List<ChannelFuture> closing = new ArrayList<>();
        // This set first, then the table: a connection moving from one to the other enters the table first.
        for (Channel channel : notYetFlows) {
            closing.add(channel.close());
        }
        for (Flow flow : flowTable.flows()) {
            if (flow instanceof StreamFlow stream && stream.runtime() == this) {
                closing.add(stream.channel().close());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (ChannelFuture closed : closing) {
            closed.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    /** Server-mode TLS context; {@code null} unless TLS. */
    public SslContext serverSsl() {
        return serverSsl;
    }

    /** Client-mode TLS context for outbound connections; {@code null} unless TLS. */
    public SslContext clientSsl() {
        return clientSsl;
    }

    /** Connections (or tracked UDP flows) open now. */
    public int openConnections() {
        return connections.get();
    }

    /** Counts an accepted connection in, unless the connector holds its maximum already. */
    public boolean tryAcquireConnection() {
        int max = config.maxConnections();
        for (;;) {
            int current = connections.get();
            if (current >= max) {
                return false;
            }
            if (connections.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Counts in a connection this side opened: never refused, a proxy must reach its next hop. */
    public void acquireOutboundConnection() {
        connections.incrementAndGet();
    }

    public void releaseConnection() {
        connections.decrementAndGet();
        metrics.connectionClosed();
    }

    /** Gives back a count taken by {@link #tryAcquireConnection()} for a connection that never opened. */
    public void releaseConnectionSilently() {
        connections.decrementAndGet();
    }

    /** Closes an accepted connection at once because the connector is full; logs at most every 10 s. */
    public void refuse(Channel channel) {
        metrics.connectionRefused();
        if (refusedLog.tryAcquire()) {
            LOG.warnf("Connector '%s' refused a connection from %s: it holds its maximum of %d connections"
                    + " (%d more refused since the last report)", name(), channel.remoteAddress(),
                    config.maxConnections(), refusedLog.takeSuppressed());
        }
        try {
            // A reset frees the socket at once on both sides instead of leaving it in TIME_WAIT here.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // not supported by this channel type: a normal close is fine
        }
        channel.close();
    }

    /** Whether the inbound handler may keep a message after {@link #deliver} returns ({@link InboundHandler#keepsMessages}). */
    public boolean inboundKeepsMessages() {
        return inbound.keepsMessages();
    }

    /** Hands a message to the inbound callback, which owns it from now on. */
    public void deliver(Flow flow, ByteBuf message) {
        try {
            inbound.onMessage(flow, message);
        } catch (Throwable t) {
            callbackFailed("onMessage", flow, t);
        }
    }

    public void deliverFramingError(Flow flow, FramingError error) {
        try {
            inbound.onFramingError(flow, error);
        } catch (Throwable t) {
            callbackFailed("onFramingError", flow, t);
        }
    }

    public void flowOpened(Flow flow) {
        try {
            inbound.onFlowOpened(flow);
        } catch (Throwable t) {
            callbackFailed("onFlowOpened", flow, t);
        }
    }

    public void flowClosed(Flow flow) {
        try {
            inbound.onFlowClosed(flow);
        } catch (Throwable t) {
            callbackFailed("onFlowClosed", flow, t);
        }
    }

    private void callbackFailed(String callback, Flow flow, Throwable t) {
        if (callbackErrorLog.tryAcquire()) {
            LOG.errorf(t, "Inbound handler %s failed on flow %s of connector '%s' (%d similar failures not logged)",
                    callback, flow.id(), name(), callbackErrorLog.takeSuppressed());
        }
    }

    /**
     * Wraps the caller's SSLContext. Cipher suites and protocols are the SSLContext's own defaults, so the
     * server's security configuration decides them, not Netty's built-in list.
     */
    private static SslContext nettyContext(SSLContext ssl, boolean client, TlsClientAuth auth) {
        SSLParameters defaults = ssl.getDefaultSSLParameters();
        ClientAuth clientAuth = switch (auth) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRE -> ClientAuth.REQUIRE;
        };
        return new JdkSslContext(ssl, client, Arrays.asList(defaults.getCipherSuites()),
                IdentityCipherSuiteFilter.INSTANCE, null, clientAuth, defaults.getProtocols(), false);
    }
}
