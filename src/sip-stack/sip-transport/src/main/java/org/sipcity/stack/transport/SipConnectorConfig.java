package org.sipcity.stack.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.sipcity.stack.framing.FramingConfig;

/**
 * The settings of one listening connector; immutable, made by {@link #builder(String, TransportType)}.
 * Outbound connections of the same transport use the settings of the connector they are opened from.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th><th>why</th></tr>
 * <tr><td>{@code bindAddress}</td><td>0.0.0.0:5060, 5061 for TLS</td><td>RFC 3261 §19.1.2 default ports</td></tr>
 * <tr><td>{@code reusePort}</td><td>true</td><td>with epoll, binds one socket per event loop on the same port
 *     (SO_REUSEPORT) so the kernel spreads datagrams and accepts over all cores; without it a UDP port is
 *     served by a single thread. Ignored with NIO.</td></tr>
 * <tr><td>{@code backlog}</td><td>1024</td><td>absorbs reconnect storms after a restart</td></tr>
 * <tr><td>{@code deferAccept}</td><td>zero (off)</td><td>TCP and TLS with epoll: TCP_DEFER_ACCEPT on the listening socket, so a
 *     new connection is handed to the event loop once its first bytes arrived (a SIP or TLS client always speaks
 *     first), not when the handshake ends: one wake-up per connection instead of one for the accept and one for the
 *     first request, which matters for clients that open a connection per transaction. A connection that stays
 *     silent is accepted anyway after about this long (whole seconds), and until then is unknown to the flow
 *     table and the connection figures: off by default (as Kamailio's {@code tcp_defer_accept}), for hosts that
 *     mostly serve a connection per transaction. {@link Duration#ZERO} disables it; NIO ignores it.</td></tr>
 * <tr><td>{@code tcpNoDelay}</td><td>true</td><td>a SIP message is written whole; Nagle would only delay it</td></tr>
 * <tr><td>{@code writeBufferLowWaterMark} / {@code HighWaterMark}</td><td>32 KiB / 64 KiB</td><td>one maximum-size
 *     message always fits; above the high mark the connection stops reading from that peer (TCP flow control
 *     then slows its sender: Shen and Schulzrinne's remedy for TCP-based SIP overload) and resumes below the
 *     low mark. Sends are still queued: they answer work already accepted, which a reliable transport would
 *     never recover if dropped</td></tr>
 * <tr><td>{@code writeQueueLimit}</td><td>16 x the high water mark (1 MiB)</td><td>the hard limit of one
 *     connection's write queue: a send that would take it beyond is dropped and counted. Reading has stopped at
 *     the high mark, so what arrives beyond it answers requests already read or queued for processing; 1 MiB
 *     holds the answers to one full read burst (Netty reads up to 16 buffers of up to 64 KiB before it sees the
 *     queue) or about 2 000 typical responses. Only a backed-up connection holds it, at most for
 *     {@code writeStallTimeout}. At least the high water mark. A UDP socket, whose one queue answers every peer,
 *     takes this limit as its high water mark (and half of it as its low one) instead of the per-connection marks.</td></tr>
 * <tr><td>{@code writeStallTimeout}</td><td>30 s</td><td>a connection whose queue stays above the high mark this
 *     long is closed, freeing the queue: its peer has stopped reading (transactions would time out after 32 s
 *     anyway, RFC 3261 §17.1.1.2 Timer B), and closing lets the client reconnect (RFC 5626 flow recovery)</td></tr>
 * <tr><td>{@code idleTimeout}</td><td>2 h</td><td>a connection on which nothing arrived for this long is closed.
 *     Registrations last 3600 s by default (RFC 3261 §10.2.1.1) and are refreshed before they expire, and
 *     RFC 5626 clients ping every 95-120 s (§4.4.1): a live client is never cut. Silent peers that vanished
 *     without a FIN or RST release their socket within the hour after their binding expired.
 *     {@link Duration#ZERO} disables it. For UDP it expires flows seen on the socket.</td></tr>
 * <tr><td>{@code maxConnections}</td><td>100 000</td><td>accepted connections (UDP: tracked flows) beyond are
 *     refused; the process file limit must be higher</td></tr>
 * <tr><td>{@code receiveBufferSize} / {@code sendBufferSize}</td><td>0: the OS default, except a UDP socket's
 *     receive buffer, which asks for {@link #DEFAULT_DATAGRAM_RECEIVE_BUFFER} (4 MiB; the kernel caps it at
 *     {@code net.core.rmem_max})</td><td>SO_RCVBUF/SO_SNDBUF. UDP has no flow control: whatever arrives while the
 *     event loop is stalled (a GC pause, a busy core) waits in the receive buffer or is dropped, and every drop costs
 *     the client a retransmission 500 ms later. Measured on loopback with 450-byte datagrams: the Linux default
 *     (208 KiB) holds 166 of them, 11 ms at 15,000 REGISTER/s; 4 MiB holds 6,553, 0.4 s. It costs nothing while the socket keeps up. A stream socket has TCP
 *     flow control and keeps the OS default (autotuned); a small fixed receive buffer (also set on the listener, which
 *     sizes the first window) bounds what a flooding peer queues in our kernel, so flow control pushes back on it
 *     sooner, at the price of capping one connection at about buffer / round-trip time (a trunk from an upstream
 *     proxy may need more than a phone). Neither costs memory while the connection is idle</td></tr>
 * <tr><td>{@code framing}</td><td>{@link FramingConfig#defaults()}</td><td>limits of stream framing; its
 *     maximum message size also bounds datagrams</td></tr>
 * <tr><td>{@code connectTimeout}</td><td>5 s</td><td>outbound TCP/TLS connect</td></tr>
 * <tr><td>{@code tlsHandshakeTimeout}</td><td>10 s</td><td>half-open TLS peers must not hold a socket</td></tr>
 * <tr><td>{@code sslContext}</td><td>none; required for TLS</td><td>supplied by the caller (key and trust
 *     material live with the server's security configuration); JDK SSLEngine</td></tr>
 * <tr><td>{@code clientAuth}</td><td>{@link TlsClientAuth#NONE}</td><td>user agents rarely hold certificates</td></tr>
 * </table>
 */
public final class SipConnectorConfig {

    /** What a UDP socket asks for as its receive buffer when {@link #receiveBufferSize()} is 0: 4 MiB. */
    public static final int DEFAULT_DATAGRAM_RECEIVE_BUFFER = 4 << 20;

    /** The default {@link #writeQueueLimit()} in multiples of the high water mark. */
    public static final int DEFAULT_WRITE_QUEUE_LIMIT_FACTOR = 16;

    private final String name;
    private final TransportType transport;
    private final InetSocketAddress bindAddress;
    private final boolean reusePort;
    private final int backlog;
    private final Duration deferAccept;
    private final boolean tcpNoDelay;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    /** As set on the builder, 0 for the default multiple of the high water mark (kept for {@link #toBuilder()}). */
    private final int writeQueueLimitSetting;
    private final Duration writeStallTimeout;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final FramingConfig framing;
    private final Duration connectTimeout;
    private final Duration tlsHandshakeTimeout;
    private final SSLContext sslContext;
    private final TlsClientAuth clientAuth;

    private SipConnectorConfig(Builder b) {
        this.name = b.name;
        this.transport = b.transport;
        this.bindAddress = b.bindAddress != null ? b.bindAddress : new InetSocketAddress(b.transport.defaultPort());
        this.reusePort = b.reusePort;
        this.backlog = b.backlog;
        this.deferAccept = b.deferAccept;
        this.tcpNoDelay = b.tcpNoDelay;
        this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        this.writeQueueLimitSetting = b.writeQueueLimit;
        this.writeStallTimeout = b.writeStallTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxConnections = b.maxConnections;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.framing = b.framing;
        this.connectTimeout = b.connectTimeout;
        this.tlsHandshakeTimeout = b.tlsHandshakeTimeout;
        this.sslContext = b.sslContext;
        this.clientAuth = b.clientAuth;
    }

    /** Starts a configuration; {@code name} identifies the connector in logs and management. */
    public static Builder builder(String name, TransportType transport) {
        return new Builder(name, transport);
    }

    public String name() {
        return name;
    }

    public TransportType transport() {
        return transport;
    }

    public InetSocketAddress bindAddress() {
        return bindAddress;
    }

    public boolean reusePort() {
        return reusePort;
    }

    public int backlog() {
        return backlog;
    }

    /** How long a listening TCP/TLS socket holds back a new connection that has sent nothing yet; zero: not at all. */
    public Duration deferAccept() {
        return deferAccept;
    }

    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /**
     * Bytes a stream connection's write queue may hold; beyond, sends are dropped. The setting, or by default
     * {@value #DEFAULT_WRITE_QUEUE_LIMIT_FACTOR} times the high water mark.
     */
    public int writeQueueLimit() {
        return writeQueueLimitSetting > 0 ? writeQueueLimitSetting
                : (int) Math.min(Integer.MAX_VALUE, (long) DEFAULT_WRITE_QUEUE_LIMIT_FACTOR * writeBufferHighWaterMark);
    }

    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /** {@link Duration#ZERO} when disabled. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** 0 for the OS default (UDP: {@link #DEFAULT_DATAGRAM_RECEIVE_BUFFER}). */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** 0 for the OS default. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    public FramingConfig framing() {
        return framing;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration tlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    /** {@code null} unless TLS. */
    public SSLContext sslContext() {
        return sslContext;
    }

    public TlsClientAuth clientAuth() {
        return clientAuth;
    }

    /** A builder holding this configuration's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder(name, transport);
        b.bindAddress = bindAddress;
        b.reusePort = reusePort;
        b.backlog = backlog;
        b.deferAccept = deferAccept;
        b.tcpNoDelay = tcpNoDelay;
        b.writeBufferLowWaterMark = writeBufferLowWaterMark;
        b.writeBufferHighWaterMark = writeBufferHighWaterMark;
        b.writeQueueLimit = writeQueueLimitSetting;
        b.writeStallTimeout = writeStallTimeout;
        b.idleTimeout = idleTimeout;
        b.maxConnections = maxConnections;
        b.receiveBufferSize = receiveBufferSize;
        b.sendBufferSize = sendBufferSize;
        b.framing = framing;
        b.connectTimeout = connectTimeout;
        b.tlsHandshakeTimeout = tlsHandshakeTimeout;
        b.sslContext = sslContext;
        b.clientAuth = clientAuth;
        return b;
    }

    @Override
    public String toString() {
        return "SipConnectorConfig[" + name + ", " + transport + " " + bindAddress + ", reusePort=" + reusePort
                + ", maxConnections=" + maxConnections + ", idleTimeout=" + idleTimeout + "]";
    }

    /** Builds a {@link SipConnectorConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private final String name;
        private final TransportType transport;
        private InetSocketAddress bindAddress;
        private boolean reusePort = true;
        private int backlog = 1024;
        private Duration deferAccept = Duration.ZERO;
        private boolean tcpNoDelay = true;
        private int writeBufferLowWaterMark = 32 * 1024;
        private int writeBufferHighWaterMark = 64 * 1024;
        private int writeQueueLimit;
        private Duration writeStallTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofHours(2);
        private int maxConnections = 100_000;
        private int receiveBufferSize;
        private int sendBufferSize;
        private FramingConfig framing = FramingConfig.defaults();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private SSLContext sslContext;
        private TlsClientAuth clientAuth = TlsClientAuth.NONE;

        private Builder(String name, TransportType transport) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("connector name must not be blank");
            }
            this.name = name;
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /** Address and port to listen on; port 0 picks a free port (see {@link SipConnector#localAddress()}). */
        public Builder bindAddress(InetSocketAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        public Builder reusePort(boolean reusePort) {
            this.reusePort = reusePort;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = positive(backlog, "backlog");
            return this;
        }

        /** {@link Duration#ZERO} hands every connection to the event loop as soon as its handshake ends. */
        public Builder deferAccept(Duration deferAccept) {
            Objects.requireNonNull(deferAccept, "deferAccept");
            if (deferAccept.isNegative()) {
                throw new IllegalArgumentException("deferAccept must not be negative: " + deferAccept);
            }
            this.deferAccept = deferAccept;
            return this;
        }

        public Builder tcpNoDelay(boolean tcpNoDelay) {
            this.tcpNoDelay = tcpNoDelay;
            return this;
        }

        /** Sets both marks of the per-connection write queue; {@code low <= high}. */
        public Builder writeBufferWaterMarks(int low, int high) {
            positive(low, "writeBufferLowWaterMark");
            positive(high, "writeBufferHighWaterMark");
            if (low > high) {
                throw new IllegalArgumentException("write buffer low water mark " + low + " exceeds high " + high);
            }
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        /** The hard limit of a stream connection's write queue in bytes; at least the high water mark. */
        public Builder writeQueueLimit(int bytes) {
            this.writeQueueLimit = positive(bytes, "writeQueueLimit");
            return this;
        }

        public Builder writeStallTimeout(Duration timeout) {
            this.writeStallTimeout = positive(timeout, "writeStallTimeout");
            return this;
        }

        /** {@link Duration#ZERO} disables idle closing. */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must not be negative: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = positive(maxConnections, "maxConnections");
            return this;
        }

        /** SO_RCVBUF in bytes, 0 for the OS default. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = notNegative(bytes, "receiveBufferSize");
            return this;
        }

        /** SO_SNDBUF in bytes, 0 for the OS default. */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = notNegative(bytes, "sendBufferSize");
            return this;
        }

        public Builder framing(FramingConfig framing) {
            this.framing = Objects.requireNonNull(framing, "framing");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public Builder tlsHandshakeTimeout(Duration timeout) {
            this.tlsHandshakeTimeout = positive(timeout, "tlsHandshakeTimeout");
            return this;
        }

        /** The TLS key and trust material, used for accepted connections (server mode) and outbound ones (client mode). */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        public Builder clientAuth(TlsClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** @throws IllegalStateException if a TLS connector has no SSLContext, or a non-TLS one has one */
        public SipConnectorConfig build() {
            if (transport == TransportType.TLS && sslContext == null) {
                throw new IllegalStateException("TLS connector '" + name + "' needs an SSLContext");
            }
            if (transport != TransportType.TLS && sslContext != null) {
                throw new IllegalStateException(transport + " connector '" + name + "' must not have an SSLContext");
            }
            if (writeQueueLimit > 0 && writeQueueLimit < writeBufferHighWaterMark) {
                throw new IllegalStateException("connector '" + name + "': write queue limit " + writeQueueLimit
                        + " is below the write buffer high water mark " + writeBufferHighWaterMark);
            }
            return new SipConnectorConfig(this);
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }

        private static int notNegative(int value, String what) {
            if (value < 0) {
                throw new IllegalArgumentException(what + " must not be negative: " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
