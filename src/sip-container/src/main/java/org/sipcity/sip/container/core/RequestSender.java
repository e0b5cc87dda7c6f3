package org.sipcity.sip.container.core;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.spec.Contacts;
import org.sipcity.sip.container.spec.FlowRoutes;
import org.sipcity.sip.container.spec.FlowRoutes.FlowRouteException;
import org.sipcity.sip.container.spec.MessageEndpoints;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.sip.container.spec.SipSessionImpl;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.TransportType;

/**
 * Sends the requests applications create. On a worker it may wait for a connection and a DNS lookup; on an event
 * loop (an inline application) it waits for neither ({@link #send}).
 *
 * <p>The next hop is the first Route if there is one (loose routing, RFC 3261 §16.12 / §8.1.2), else the
 * Request-URI; its transport parameter, or TLS for sips, or UDP; its port or the transport's default. Host names are
 * resolved with the container's {@link org.sipcity.sip.container.api.HostResolver} (the system's by default), on a
 * worker; RFC 3263 NAPTR/SRV selection is not done here yet.
 *
 * <p>We put our own Via with a fresh branch before handing the request to the stack, and remember the request under
 * that branch first: a response can arrive on the event loop before {@code sendRequest} has even returned.
 */
public final class RequestSender {

    private static final Logger LOG = Logger.getLogger(RequestSender.class);
    /** RFC 3261 §17.1.1.2: 64·T1, the longest a transaction waits; a connection that takes longer is useless. */
    private static final long CONNECT_TIMEOUT_SECONDS = 32;

    private final ContainerRuntime runtime;
    private final ConcurrentHashMap<String, SipServletRequestImpl> outstanding = new ConcurrentHashMap<>();

    RequestSender(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Sends {@code request} in a new client transaction, or an ACK for a 2xx statelessly (RFC 3261 §13.2.2.4).
     *
     * <p>On a worker, a host name is resolved and a new connection waited for here. An event loop must wait for
     * neither: Netty may register the connection on that very loop, which cannot complete it while it waits (a task
     * of an inline application would hold its loop for the whole connect timeout, and every call through it would
     * fail), and a DNS query that times out would hold every connection of the loop for seconds. There the rest of
     * the send is queued behind the running task, in its session's queue, on a worker: the request leaves when the
     * name is resolved and the connection is up, before any later message of the session is handled, and a lookup or
     * connection that fails reaches the application as a 503 (RFC 3261 §8.1.3.1) instead of an exception from
     * {@code send()}.
     *
     * @throws IOException when the request cannot be sent now (no route, no connection), for the caller to report
     */
    public void send(SipServletRequestImpl request) throws IOException {
        SipStack stack = runtime.stack();
        Connection connection = flowFor(stack, request);
        if (connection.future() == null || !connection.future().isDone()) {
            SerialQueue inline = SerialQueue.runningInline();
            if (inline != null || onEventLoop(stack)) {
                sendWhenConnected(request, connection, inline != null ? inline : new SerialQueue(runtime.workers()));
                return;
            }
        }
        transmit(stack, request, connected(stack, connection).await());
    }

    private void sendWhenConnected(SipServletRequestImpl request, Connection connection, SerialQueue queue) {
        boolean queued = queue.submit(() -> {
            try {
                SipStack stack = runtime.stack();
                transmit(stack, request, connected(stack, connection).await());
            } catch (IOException | RuntimeException e) {
                reportUnsent(request, e);
            }
        }, false);
        if (!queued) {
            reportUnsent(request, new IOException("the worker queue is full"));
        }
        LOG.debugf("%s to %s waits for its connection on a worker", request.getMethod(), connection.hop().address());
    }

    /** {@code connection}, or for a next hop named by a host name, its name resolved and a connection begun. */
    private Connection connected(SipStack stack, Connection connection) throws IOException {
        if (connection.future() != null) {
            return connection;
        }
        NextHop hop = connection.hop();
        String host = hop.address().getHostString();
        try {
            InetAddress address = runtime.config().hostResolver().resolve(host);
            return connect(stack, new NextHop(hop.transport(), new InetSocketAddress(address, hop.address().getPort())));
        } catch (UnknownHostException e) {
            throw new IOException("Cannot resolve " + host, e);
        }
    }

    /**
     * A request that could not be sent, made known to whoever sent it as a response from us (RFC 3261 §8.1.3.1,
     * §16.7): 503 for a transport failure, 430 or 403 for a flow route that cannot be honoured (RFC 5626 §5.3). It
     * is delivered like any response, after the current task, so that an application sees it as it would a received
     * one. An ACK has no response: its loss is only logged.
     */
    public void reportUnsent(SipServletRequestImpl request, Exception cause) {
        SipRequest message = request.stackMessage();
        LOG.debugf("%s to %s not sent: %s", message.getMethod(), message.getRequestUri(), cause.getMessage());
        if (SipMethod.ACK.equals(message.getMethod()) || (request.sipSession() == null && request.proxyBranch() == null)) {
            return;
        }
        int status = cause instanceof FlowRouteException flow ? flow.status() : 503;
        String reason = cause instanceof FlowRouteException flow ? flow.reason()
                : "Service Unavailable - " + cause.getMessage();
        deliverLocally(request, message.createResponse(status, reason.replace('\r', ' ').replace('\n', ' ')));
    }

    /** Puts our Via (and a Contact where one is due) on {@code request} and hands it to the stack on {@code flow}. */
    private void transmit(SipStack stack, SipServletRequestImpl request, Flow flow) throws IOException {
        SipRequest message = request.stackMessage();
        request.sentFlow(flow);
        MessageEndpoints endpoints = new MessageEndpoints(flow.transport().name(), flow.localAddress(), flow.remoteAddress());
        InetSocketAddress local = sentBy(stack, flow);
        String branch;
        if (request.keepsTopVia() && message.getTopVia() != null) {
            branch = message.getTopVia().branch();   // a CANCEL: the branch of the INVITE it cancels (RFC 3261 §9.1)
        } else {
            branch = request.loopKey() == null ? stack.transactions().newBranch()
                    : LoopDetection.branch(request.loopKey(), stack.transactions().newBranch());
            message.addHeaderFirst(HeaderName.VIA, Via.of(flow.transport().viaToken(),
                    NetUtil.toAddressString(local.getAddress()), local.getPort(), branch).withParameter("rport", null).toString());
        }
        if (SipSessionImpl.createsDialog(message.getMethod()) && !message.hasHeader(HeaderName.CONTACT)) {
            // RFC 3261 §8.1.1.8: a request that can create a dialog names where the peer reaches us.
            message.setHeader(HeaderName.CONTACT, "<" + Contacts.of(local, flow.transport().name(),
                    runtime.config().advertisedHost()) + ">");
        }
        if (SipMethod.ACK.equals(message.getMethod())) {
            stack.sendStateless(message, flow, (m, cause) ->
                    LOG.debugf("ACK to %s not sent: %s", flow.remoteAddress(), cause.getMessage()));
            request.sent(null, endpoints);
            return;
        }
        String key = key(branch, message.getMethod().name());
        outstanding.put(key, request);
        try {
            ClientTransaction transaction = stack.sendRequest(message, flow);
            transaction.attach(request);
            request.sent(transaction, endpoints);
        } catch (RuntimeException e) {
            outstanding.remove(key);
            throw new IOException("The stack refused the request: " + e.getMessage(), e);
        }
    }

    /** RFC 3261 §16.3 step 4: whether a request to be proxied holds a Via of ours showing it looped ({@link LoopDetection}). */
    public boolean hasLooped(SipRequest received) {
        return LoopDetection.hasLooped(received, runtime.stack(), runtime.config().advertisedHost());
    }

    /**
     * The flow {@code request} leaves on: a CANCEL's is its INVITE's (RFC 3261 §9.1); a top Route that is one of our
     * flow routes ({@link FlowRoutes}) is popped and names an existing flow, never a new connection; otherwise the
     * next hop of the Route set or Request-URI, over an open flow or a new one.
     */
    private Connection flowFor(SipStack stack, SipServletRequestImpl request) throws IOException {
        SipServletRequestImpl invite = request.cancelledRequest();
        if (invite != null && invite.sentFlow() != null && invite.sentFlow().isOpen()) {
            return Connection.open(invite.sentFlow());
        }
        SipRequest message = request.stackMessage();
        FlowRoutes.FlowTarget target = popFlowRoute(stack, message);
        if (target != null) {
            Flow flow = target.transport().isStream()
                    ? stack.transports().flowTable().find(target.transport(), target.remote())
                    : connect(stack, new NextHop(target.transport(), target.remote())).await();   // a datagram flow: at once
            if (flow != null) {
                return Connection.open(flow);
            }
            if (!target.optional()) {
                // RFC 5626 §5.3: "the proxy MUST NOT ... create a new flow"; the requester learns 430.
                throw new FlowRouteException(430, "no open " + target.transport() + " connection to "
                        + target.remote());
            }
            LOG.debugf("Flow to %s is gone; %s goes on by its route", target.remote(), message.getMethod());
        }
        NextHop hop = nextHop(message);
        // A host name is resolved later, where waiting is allowed (connected).
        return hop.address().isUnresolved() ? new Connection(hop, null) : connect(stack, hop);
    }

    /** The flow of a top Route naming us with a flow parameter, which is removed; null when there is none. */
    private FlowRoutes.FlowTarget popFlowRoute(SipStack stack, SipRequest message) throws FlowRouteException {
        String route = message.getHeader(HeaderName.ROUTE);
        if (route == null) {
            return null;
        }
        NameAddress top;
        try {
            top = NameAddress.parse(route);
        } catch (SipParseException e) {
            return null;   // nextHop reports it
        }
        if (!(top.uri() instanceof SipUri sip) || !FlowRoutes.hasFlow(sip)
                || !LocalRoutes.isOurs(sip, stack, runtime.config().advertisedHost())) {
            return null;
        }
        FlowRoutes.FlowTarget target = FlowRoutes.open(sip);
        message.removeFirstHeader(HeaderName.ROUTE);
        return target;
    }

    /**
     * The address we write in our Via and Contact. On a connection we opened, the local port is an ephemeral one that
     * nobody can connect to: RFC 3261 §18.2.2 has the UAS open a new connection to the Via's sent-by port when ours
     * is gone, and a Contact must be reachable, so both name the listening port of the flow's connector.
     */
    private static InetSocketAddress sentBy(SipStack stack, Flow flow) {
        InetSocketAddress local = flow.localAddress();
        if (!flow.transport().isStream()) {
            return local;
        }
        SipConnector connector = stack.transports().connector(flow.connectorName());
        InetSocketAddress listening = connector == null ? null : connector.localAddress();
        return listening == null ? local : new InetSocketAddress(local.getAddress(), listening.getPort());
    }

    /**
     * A response made here for {@code request} (it could not be sent: 503, 430, 403), delivered to its proxy or
     * application like a received one, in its queue and after the current task.
     */
    public void deliverLocally(SipServletRequestImpl request, SipResponse response) {
        runtime.deliverLocally(request, response);
    }

    /** The application's request of a client transaction, or null (not ours, or already finished). */
    public SipServletRequestImpl requestOf(ClientTransaction transaction) {
        if (transaction.attachment() instanceof SipServletRequestImpl request) {
            return request;
        }
        return outstanding.get(key(transaction.branch(), transaction.request().getMethod().name()));
    }

    void terminated(ClientTransaction transaction) {
        outstanding.remove(key(transaction.branch(), transaction.request().getMethod().name()));
    }

    /** RFC 3261 §17.1.3: a client transaction is its branch and its method (a CANCEL shares the INVITE's branch). */
    private static String key(String branch, String method) {
        return branch + ' ' + method;
    }

    /** Requests sent and not yet terminated. */
    public int outstanding() {
        return outstanding.size();
    }

    private record NextHop(TransportType transport, InetSocketAddress address) {
    }

    private static NextHop nextHop(SipRequest request) throws IOException {
        Uri next = request.getRequestUri();
        String route = request.getHeader(HeaderName.ROUTE);
        if (route != null) {
            try {
                next = NameAddress.parse(route).uri();
            } catch (SipParseException e) {
                throw new IOException("The top Route is not an address: " + route + " (" + e.fault() + ")", e);
            }
        }
        if (!(next instanceof SipUri sip)) {
            throw new IOException("No SIP URI to send to: " + next + " (route a tel: or other URI through a SIP proxy)");
        }
        String transportParam = sip.transportParam();
        TransportType transport = transportParam != null ? TransportType.fromToken(transportParam)
                : sip.isSecure() ? TransportType.TLS : TransportType.UDP;
        if (transport == null) {
            throw new IOException("Unknown transport '" + transportParam + "' in " + sip);
        }
        int port = sip.port() > 0 ? sip.port() : transport.defaultPort();
        String host = sip.maddr() != null ? sip.maddr() : sip.host();
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return new NextHop(transport, InetSocketAddress.createUnresolved(host, port));
        }
        try {
            return new NextHop(transport, new InetSocketAddress(InetAddress.getByAddress(literal), port));
        } catch (UnknownHostException impossible) {
            throw new IOException("Not an IP address: " + host, impossible);   // getByAddress only fails on a bad length
        }
    }

    private static Connection connect(SipStack stack, NextHop hop) {
        return new Connection(hop, stack.transports().connect(hop.transport(), hop.address()));
    }

    /** Whether this thread is one of the stack's event loops (a task not of an inline application, such as a stray one). */
    private static boolean onEventLoop(SipStack stack) {
        for (EventExecutor loop : stack.transports().eventLoops()) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The flow towards a next hop: open already, or being connected; or, with no future, a next hop whose host name is
     * still to be resolved ({@link #connected}).
     */
    private record Connection(NextHop hop, CompletableFuture<Flow> future) {

        static Connection open(Flow flow) {
            return new Connection(new NextHop(flow.transport(), flow.remoteAddress()), CompletableFuture.completedFuture(flow));
        }

        /** The flow, once connected; waits at most {@link #CONNECT_TIMEOUT_SECONDS}. Never called on an event loop. */
        Flow await() throws IOException {
            try {
                return future.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IOException("No " + hop.transport() + " flow to " + hop.address() + ": "
                        + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("No " + hop.transport() + " flow to " + hop.address() + " within "
                        + CONNECT_TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while connecting to " + hop.address(), e);
            }
        }
    }
}
