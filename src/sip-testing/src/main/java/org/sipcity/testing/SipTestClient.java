package org.sipcity.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * A SIP user agent for tests, on its own {@link SipStack} bound to loopback (ephemeral ports).
 *
 * <pre>{@code
 * try (SipTestClient client = SipTestClient.builder().transports(TransportType.UDP).build()) {
 *     SipResponse ok = client.request("OPTIONS", "sip:127.0.0.1:5060").send().awaitFinal(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>As a UAC it builds requests with sensible defaults ({@link #request}), sends each in a client transaction of
 * the stack and hands back a {@link SentRequest} to wait on. As a UAS it keeps the requests it receives for
 * {@link #awaitRequest}, or passes them to a handler set with {@link #onRequest}. Every wait is bounded.
 *
 * <p>Thread-safe. One client serves one test; {@link #close} stops its stack.
 */
public final class SipTestClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SipTestClient.class);

    private final SipStack stack;
    private final Map<TransportType, SipConnector> connectors = new EnumMap<>(TransportType.class);
    private final TransportType defaultTransport;
    private final String user;
    private final String host;
    private final Duration connectTimeout;
    /** Requests sent, by top-Via branch and method (a CANCEL shares its INVITE's branch, RFC 3261 §9.1). */
    private final Map<String, SentRequest> sent = new ConcurrentHashMap<>();
    private final Inbox inbox = new Inbox();
    private final ExecutorService handlerThread;
    private volatile Consumer<IncomingRequest> handler;

    private SipTestClient(Builder b) throws IOException {
        this.user = b.user;
        this.host = b.host;
        this.connectTimeout = b.connectTimeout;
        this.defaultTransport = b.transports.get(0);
        SipStackConfig config = new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1)
                .threadNamePrefix("sip-test-client").shutdownTimeout(Duration.ofSeconds(1)).build(),
                ParserConfig.defaults(), b.transactions);
        this.stack = new SipStack(config, new ClientTransactionUser(this));
        this.handlerThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sip-test-client-handler");
            t.setDaemon(true);
            return t;
        });
        try {
            InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(host), b.port);
            for (TransportType transport : b.transports) {
                SipConnectorConfig.Builder connector = SipConnectorConfig
                        .builder("test-" + transport.uriParameter(), transport)
                        .bindAddress(bind).reusePort(false).connectTimeout(connectTimeout);
                if (transport == TransportType.TLS) {
                    connector.sslContext(b.sslContext);
                }
                connectors.put(transport, stack.start(connector.build()));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A client on 127.0.0.1 with UDP and TCP, UDP the default transport. */
    public static SipTestClient start() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a request to {@code requestUri} with From, To, Call-ID, CSeq, Max-Forwards and (for dialog-creating
     * methods and REGISTER) Contact filled in; the Via is added when it is sent, with the flow's address.
     */
    public RequestBuilder request(String method, String requestUri) {
        return new RequestBuilder(this, method, Messages.uri(requestUri));
    }

    /** The address the connector of {@code transport} listens on. */
    public InetSocketAddress localAddress(TransportType transport) {
        SipConnector connector = connectors.get(transport);
        if (connector == null) {
            throw new IllegalArgumentException("This client has no " + transport + " connector; it has "
                    + connectors.keySet());
        }
        return connector.localAddress();
    }

    /** Our Contact URI for {@code transport}: where requests to us go (RFC 3261 §8.1.1.8). */
    public SipUri contactUri(TransportType transport) {
        InetSocketAddress local = localAddress(transport);
        SipUri.Builder uri = SipUri.builder().secure(false).user(user).host(host).port(local.getPort());
        if (transport != TransportType.UDP) {
            uri.parameter("transport", transport.uriParameter());
        }
        return uri.build();
    }

    /** The user part this client writes in From and Contact. */
    public String user() {
        return user;
    }

    /** The host (an address literal) this client binds to. */
    public String host() {
        return host;
    }

    /** The host as written in a URI: an IPv6 reference in brackets (RFC 3261 §25.1). */
    String uriHost() {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public TransportType defaultTransport() {
        return defaultTransport;
    }

    /** The stack underneath, for what this class does not offer. */
    public SipStack stack() {
        return stack;
    }

    /**
     * Waits for the first request of {@code method} not awaited before, and takes it; requests of other methods
     * stay for later waits.
     *
     * @throws SipTimeoutException naming the method and the requests that did arrive
     */
    public IncomingRequest awaitRequest(String method, Duration timeout) {
        return inbox.await(method, timeout);
    }

    /**
     * Passes every request received from now on to {@code handler}, on one thread of this client, in arrival
     * order, instead of keeping it for {@link #awaitRequest}. {@code null} goes back to keeping them.
     */
    public void onRequest(Consumer<IncomingRequest> handler) {
        this.handler = handler;
    }

    /** Requests received and not yet awaited. */
    public List<IncomingRequest> pendingRequests() {
        return inbox.snapshot();
    }

    void deliver(IncomingRequest request) {
        Consumer<IncomingRequest> h = handler;
        if (h == null) {
            inbox.add(request);
            return;
        }
        handlerThread.execute(() -> {
            try {
                h.accept(request);
            } catch (RuntimeException | AssertionError e) {
                LOG.errorf(e, "The request handler of the SIP test client failed on %s", request);
            }
        });
    }

    SentRequest lookup(String branch, String method) {
        return branch == null ? null : sent.get(branch + ' ' + method);
    }

    /**
     * Sends {@code request} in a new client transaction over a flow of {@code transport} to {@code target}.
     * Adds our Via first unless the request has one.
     */
    SentRequest send(SipRequest request, TransportType transport, InetSocketAddress target) {
        Flow flow = flow(transport, target);
        if (request.getTopVia() == null) {
            request.addHeaderFirst(HeaderName.VIA, via(flow).toString());
        }
        SentRequest handle = new SentRequest(this, request, transport, target);
        // Registered before sending: the response may come back on the event loop before sendRequest returns.
        sent.put(request.getTopVia().branch() + ' ' + request.getMethod().name(), handle);
        ClientTransaction transaction = stack.sendRequest(request, flow);
        handle.transaction(transaction);
        return handle;
    }

    /**
     * Sends an ACK for a 2xx outside any transaction (RFC 3261 §13.2.2.4, §17.1.1.3).
     *
     * @return the flow it left on, for {@link #resendAck}
     */
    Flow sendAck(SipRequest ack, TransportType transport, InetSocketAddress target) {
        Flow flow = flow(transport, target);
        if (ack.getTopVia() == null) {
            ack.addHeaderFirst(HeaderName.VIA, via(flow).toString());
        }
        resendAck(ack, flow);
        return flow;
    }

    /** Sends an ACK again over {@code flow}; never blocks, so the event loop may call it. */
    void resendAck(SipRequest ack, Flow flow) {
        stack.sendStateless(ack, flow, (message, cause) -> LOG.warnf(
                "The SIP test client could not send the ACK to %s: %s", flow.remoteAddress(), cause.toString()));
    }

    private Via via(Flow flow) {
        InetSocketAddress local = flow.localAddress();
        return Via.of(flow.transport().viaToken(), io.netty.util.NetUtil.toAddressString(local.getAddress()),
                local.getPort(), stack.transactions().newBranch()).withParameter("rport", null);
    }

    private Flow flow(TransportType transport, InetSocketAddress target) {
        if (!connectors.containsKey(transport)) {
            throw new IllegalArgumentException("This client has no " + transport + " connector; it has "
                    + connectors.keySet());
        }
        try {
            // The connector's own connect timeout bounds this; the extra second covers the TLS handshake start.
            return stack.transports().connect(transport, target)
                    .get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SipTimeoutException("Could not open a " + transport + " flow to " + target + ": "
                    + e.getCause());
        } catch (TimeoutException e) {
            throw new SipTimeoutException("No " + transport + " flow to " + target + " within " + connectTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SipTimeoutException("Interrupted while connecting to " + target);
        }
    }

    /** Stops the stack (closing its connections) and the handler thread. */
    @Override
    public void close() {
        try {
            stack.close();
        } finally {
            handlerThread.shutdownNow();
        }
    }

    /** Settings of a {@link SipTestClient}. */
    public static final class Builder {
        private final List<TransportType> transports = new ArrayList<>();
        private SSLContext sslContext;
        private String user = "sip-test";
        private String host = "127.0.0.1";
        private int port;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private TransactionConfig transactions = TransactionConfig.defaults();

        private Builder() {
        }

        /** The transports to listen on and send over; the first is the default. UDP and TCP if none is named. */
        public Builder transports(TransportType... types) {
            for (TransportType type : types) {
                if (!transports.contains(type)) {
                    transports.add(type);
                }
            }
            return this;
        }

        /** Adds TLS with {@code context} (its key for our side, its trust for the server's certificate). */
        public Builder tls(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return transports(TransportType.TLS);
        }

        /** The user part of our From and Contact URIs; {@code sip-test} by default. */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /** The loopback address to bind to, {@code 127.0.0.1} by default ({@code ::1} for IPv6). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The port every connector binds to; 0 (the default) for an ephemeral one each. A fixed port is for a test
         * whose server must be configured with this client's address before the client exists (a next hop).
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("A port is 0-65535: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Transaction timers (shorter T1 makes Timer B/F tests quick). */
        public Builder transactions(TransactionConfig config) {
            this.transactions = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Binds the client.
         *
         * @throws UncheckedIOException when a connector cannot bind
         * @throws IllegalArgumentException when the host is not a loopback address, or TLS lacks a context
         */
        public SipTestClient build() {
            if (transports.isEmpty()) {
                transports(TransportType.UDP, TransportType.TCP);
            }
            if (transports.contains(TransportType.TLS) && sslContext == null) {
                throw new IllegalArgumentException("TLS needs an SSLContext: use tls(context)");
            }
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    throw new IllegalArgumentException("The SIP test client binds to loopback only, not " + host);
                }
                return new SipTestClient(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not bind the SIP test client on " + host, e);
            }
        }
    }
}
