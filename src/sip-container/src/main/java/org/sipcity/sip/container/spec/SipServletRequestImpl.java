package org.sipcity.sip.container.spec;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.sip.Address;
import javax.servlet.sip.AuthInfo;
import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.TooManyHopsException;
import javax.servlet.sip.URI;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;
import javax.servlet.sip.ar.SipApplicationRoutingRegion;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transport.Flow;

/**
 * A SIP request (JSR 289 {@link SipServletRequest}): either received, in a server transaction the application
 * answers through {@link #createResponse}, or built by the application (SipFactory, SipSession) and sent with
 * {@link #send()} in a client transaction.
 */
public final class SipServletRequestImpl extends SipServletMessageImpl implements SipServletRequest {

    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private final SipRequest request;
    private final ServerTransaction serverTransaction;
    private final boolean initial;
    private final String requestId = Long.toString(REQUEST_IDS.incrementAndGet());
    private volatile ClientTransaction clientTransaction;
    private volatile MessageEndpoints sentOver = MessageEndpoints.UNKNOWN;
    private volatile boolean finalResponseSent;
    private SipApplicationRoutingDirective routingDirective = SipApplicationRoutingDirective.NEW;
    private SipApplicationRoutingRegion region;
    private URI subscriberUri;
    private Address poppedRoute;
    private ProxyImpl proxy;
    private ProxyBranchImpl proxyBranch;
    private boolean keepsTopVia;
    /** For a request a proxy forwards: the loop key of the request it forwards, to go into its branch. */
    private String loopKey;
    /** For a CANCEL: the INVITE it cancels (RFC 3261 §9.1: the CANCEL goes where the INVITE went). */
    private SipServletRequestImpl cancelled;
    /** The flow the request left on, once sent. */
    private volatile Flow sentFlow;

    /** A received request; {@code transaction} is null for an ACK (it has none of its own). */
    public SipServletRequestImpl(SipRequest request, ServerTransaction transaction, MessageEndpoints endpoints,
                                 boolean initial) {
        super(true, endpoints, null);
        this.request = request;
        this.serverTransaction = transaction;
        this.initial = initial;
    }

    /** A request the application builds, in {@code session}. */
    public SipServletRequestImpl(SipRequest request, SipSessionImpl session, boolean initial) {
        super(false, MessageEndpoints.UNKNOWN, session);
        this.request = request;
        this.serverTransaction = null;
        this.initial = initial;
    }

    @Override
    public SipRequest stackMessage() {
        return request;
    }

    @Override
    public SipMethod method() {
        return request.getMethod();
    }

    public ServerTransaction serverTransaction() {
        return serverTransaction;
    }

    public ClientTransaction clientTransaction() {
        return clientTransaction;
    }

    /** Set by the container once the request left: in a client transaction (null for an ACK), over a flow. */
    public void sent(ClientTransaction transaction, MessageEndpoints over) {
        this.clientTransaction = transaction;
        this.sentOver = over;
        commit();
    }

    /** Set by the container when the request leaves. */
    public void sentFlow(Flow flow) {
        this.sentFlow = flow;
    }

    /** The flow the request left on, or null before it is sent. */
    public Flow sentFlow() {
        return sentFlow;
    }

    /** For a CANCEL this application created: the INVITE it cancels; else null. */
    public SipServletRequestImpl cancelledRequest() {
        return cancelled;
    }

    /** Where the request went; the endpoints of the responses to it. */
    public MessageEndpoints sentOver() {
        return sentOver;
    }

    public boolean isLocallyCreated() {
        return !isIncoming();
    }

    public boolean isFinalResponseSent() {
        return finalResponseSent;
    }

    /** Claims the right to send the final response; false if one was sent already. */
    synchronized boolean claimFinalResponse() {
        if (finalResponseSent) {
            return false;
        }
        finalResponseSent = true;
        return true;
    }

    void finalResponseSent() {
        finalResponseSent = true;
        commit();
    }

    void proxiedBy(ProxyImpl value) {
        this.proxy = value;
    }

    /** The proxy forwarding this received request, or null. */
    public ProxyImpl proxy() {
        return proxy;
    }

    void branchOf(ProxyBranchImpl branch) {
        this.proxyBranch = branch;
    }

    /** The proxy branch this request was forwarded on, or null. */
    public ProxyBranchImpl proxyBranch() {
        return proxyBranch;
    }

    void loopKey(String value) {
        this.loopKey = value;
    }

    /** The loop key this forwarded request's branch carries ({@code LoopDetection}), or null when not forwarded. */
    public String loopKey() {
        return loopKey;
    }

    /** True for a CANCEL, which goes out with the top Via of the request it cancels (RFC 3261 §9.1), not a new one. */
    public boolean keepsTopVia() {
        return keepsTopVia;
    }

    public void bindTo(SipSessionImpl session) {
        bindSession(session);
    }

    // ---- answering --------------------------------------------------------------------------------------------

    @Override
    public SipServletResponse createResponse(int status) {
        return createResponse(status, null);
    }

    @Override
    public SipServletResponse createResponse(int status, String reasonPhrase) {
        if (!isIncoming()) {
            throw new IllegalStateException("Only a received request is answered; this one was created here");
        }
        if (SipMethod.ACK.equals(method())) {
            throw new IllegalStateException("An ACK is never answered (RFC 3261 §17.1.1.1)");
        }
        if (finalResponseSent) {
            throw new IllegalStateException("A final response to this request was sent already");
        }
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("Not a response status: " + status);
        }
        SipResponse response = request.createResponse(status, reasonPhrase);
        if (status > 100 && response.getToTag() == null && sipSession() != null) {
            response.setToTag(sipSession().localTag());   // RFC 3261 §8.2.6.2
        }
        return new SipServletResponseImpl(this, response, sipSession());
    }

    @Override
    public SipServletRequest createCancel() {
        if (isIncoming() || !SipMethod.INVITE.equals(method())) {
            throw new IllegalStateException("CANCEL is created for an INVITE this application sent");
        }
        if (clientTransaction == null) {
            throw new IllegalStateException("The INVITE has not been sent yet");
        }
        // RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number, the top Via, and the Route set.
        SipRequest cancel = SipRequest.create(SipMethod.CANCEL, request.getRequestUri());
        cancel.setHeader(HeaderName.VIA, request.getHeader(HeaderName.VIA));
        cancel.setHeader(HeaderName.FROM, request.getHeader(HeaderName.FROM));
        cancel.setHeader(HeaderName.TO, request.getHeader(HeaderName.TO));
        cancel.setHeader(HeaderName.CALL_ID, request.getCallId());
        cancel.setHeader(HeaderName.CSEQ, new CSeq(request.getCSeq().sequence(), SipMethod.CANCEL).toString());
        cancel.setHeader(HeaderName.MAX_FORWARDS, "70");
        for (String route : request.getHeaders(HeaderName.ROUTE)) {
            cancel.addHeader(HeaderName.ROUTE, route);
        }
        SipServletRequestImpl result = new SipServletRequestImpl(cancel, sipSession(), false);
        result.keepsTopVia = true;
        result.cancelled = this;
        return result;
    }

    @Override
    public void send() throws IOException {
        if (isIncoming()) {
            throw new IllegalStateException("A received request is answered with createResponse or proxied with"
                    + " getProxy, not sent");
        }
        checkNotCommitted();
        flushAddressViews();
        sipSession().application().runtime().sender().send(this);
    }

    // ---- request line and routing -----------------------------------------------------------------------------

    @Override
    public URI getRequestURI() {
        return Uris.fromStack(request.getRequestUri());
    }

    @Override
    public void setRequestURI(URI uri) {
        checkNotCommitted();
        if (uri == null) {
            throw new NullPointerException("Request-URI");
        }
        request.setRequestUri(Uris.toStack(uri));
    }

    @Override
    public void pushRoute(SipURI uri) {
        SipURIImpl route = (SipURIImpl) uri.clone();
        route.setLrParam(true);   // RFC 3261 §16.12: we route loosely
        pushRoute(new AddressImpl(route, null));
    }

    @Override
    public void pushRoute(Address address) {
        checkNotCommitted();
        if (isIncoming()) {
            throw new IllegalStateException("Routes are pushed on requests the application sends");
        }
        request.addHeaderFirst(HeaderName.ROUTE, FlowRoutes.sealed(address).toString());
    }

    /**
     * RFC 3327 §5.1: the edge proxy of a REGISTER puts itself on its Path. Besides a REGISTER being sent, this
     * container accepts it on a REGISTER received, before it is answered: the application is then the edge proxy of
     * the flow the REGISTER came on and the registrar at once (RFC 5626 §5, docs/CLUSTERING.md), and the Path it
     * pushes is stored with the binding. A flow value in the Path is sealed as a region token ({@link FlowRoutes}).
     */
    @Override
    public void pushPath(Address address) {
        checkNotCommitted();
        if (!SipMethod.REGISTER.equals(request.getMethod())) {
            throw new IllegalStateException("Path applies to REGISTER requests (RFC 3327)");
        }
        request.addHeaderFirst(HeaderName.PATH, FlowRoutes.sealedForRegion(address));
    }

    @Override
    public int getMaxForwards() {
        return request.getMaxForwards();
    }

    @Override
    public void setMaxForwards(int n) {
        checkNotCommitted();
        if (n < 0 || n > 255) {
            throw new IllegalArgumentException("Max-Forwards must be 0-255 (RFC 3261 §20.22): " + n);
        }
        request.setHeader(HeaderName.MAX_FORWARDS, Integer.toString(n));
    }

    @Override
    public boolean isInitial() {
        return initial;
    }

    @Override
    public Address getPoppedRoute() {
        return poppedRoute;
    }

    @Override
    public Address getInitialPoppedRoute() {
        return poppedRoute;
    }

    public void setPoppedRoute(Address route) {
        this.poppedRoute = route;
    }

    @Override
    public SipApplicationRoutingRegion getRegion() {
        return region;
    }

    @Override
    public URI getSubscriberURI() {
        return subscriberUri;
    }

    public void setRouting(SipApplicationRoutingRegion region, URI subscriberUri) {
        this.region = region;
        this.subscriberUri = subscriberUri;
    }

    @Override
    public SipApplicationRoutingDirective getRoutingDirective() {
        if (!initial) {
            throw new IllegalStateException("Only an initial request has a routing directive (JSR 289 §15.2.2)");
        }
        return routingDirective;
    }

    @Override
    public void setRoutingDirective(SipApplicationRoutingDirective directive, SipServletRequest origRequest) {
        checkNotCommitted();
        if (isIncoming()) {
            throw new IllegalStateException("The routing directive is set on a request the application sends");
        }
        if (directive != SipApplicationRoutingDirective.NEW && (origRequest == null || !origRequest.isInitial())) {
            throw new IllegalStateException("CONTINUE and REVERSE need the initial request they follow (JSR 289 §15.2.2)");
        }
        this.routingDirective = directive;
    }

    // ---- roles not available yet --------------------------------------------------------------------------------

    @Override
    public Proxy getProxy() throws TooManyHopsException {
        return getProxy(true);
    }

    /**
     * JSR 289 §10.2.1: the proxy of this received initial request, made on first use. A request with Max-Forwards 0
     * is answered 483 and refused (RFC 3261 §16.3 step 2), a request that has looped back to us 482 (step 4).
     */
    @Override
    public Proxy getProxy(boolean create) throws TooManyHopsException {
        if (proxy != null || !create) {
            return proxy;
        }
        if (!isIncoming() || !initial || serverTransaction == null) {
            throw new IllegalStateException("Only a received initial request is proxied by the application");
        }
        if (finalResponseSent) {
            throw new IllegalStateException("A final response to this request was sent already");
        }
        if (request.getMaxForwards() == 0) {
            try {
                createResponse(483).send();
            } catch (IOException e) {
                // the client learns nothing more; its transaction times out
            }
            throw new TooManyHopsException("Max-Forwards is 0 (RFC 3261 §16.3)");
        }
        if (ProxyImpl.hasLooped(this)) {
            try {
                createResponse(482).send();
            } catch (IOException e) {
                // as above
            }
            // JSR 289 has no exception of its own for a loop; the application sees the same refusal as for 483
            throw new TooManyHopsException("Loop detected (RFC 3261 §16.3 step 4)");
        }
        return new ProxyImpl(this);
    }

    @Override
    public B2buaHelper getB2buaHelper() {
        throw new IllegalStateException("The B2BUA helper (JSR 289 §12) is not available in this container yet");
    }

    @Override
    public void addAuthHeader(SipServletResponse challenge, AuthInfo authInfo) {
        throw new IllegalStateException("Client digest authentication (JSR 289 §4.1.4) is not available yet");
    }

    @Override
    public void addAuthHeader(SipServletResponse challenge, String username, String password) {
        throw new IllegalStateException("Client digest authentication (JSR 289 §4.1.4) is not available yet");
    }

    // ---- jakarta.servlet.ServletRequest -----------------------------------------------------------------------

    @Override
    public ServletInputStream getInputStream() {
        return BodyStreams.inputStream(request.getBody());
    }

    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return BodyStreams.reader(request.getBody(), charset);
    }

    @Override
    public long getContentLengthLong() {
        return getContentLength();
    }

    /** JSR 289 §5.7: the parameters of the Request-URI (or none when it is not a SIP URI). */
    @Override
    public String getParameter(String name) {
        return request.getRequestUri() instanceof SipUri sip ? ParameterSupport.get(sip.parameters(), name) : null;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String value = getParameter(name);
        return value == null ? null : new String[] {value};
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> map = new LinkedHashMap<>();
        if (request.getRequestUri() instanceof SipUri sip) {
            for (String name : sip.parameters().names()) {
                map.put(name, new String[] {ParameterSupport.get(sip.parameters(), name)});
            }
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String getScheme() {
        return request.getRequestUri().scheme();
    }

    @Override
    public String getServerName() {
        return request.getRequestUri() instanceof SipUri sip ? sip.host() : getLocalAddr();
    }

    @Override
    public int getServerPort() {
        return request.getRequestUri() instanceof SipUri sip && sip.port() > 0 ? sip.port() : getLocalPort();
    }

    @Override
    public String getRemoteHost() {
        return getRemoteAddr();
    }

    @Override
    public String getLocalName() {
        return getLocalAddr();
    }

    @Override
    public Locale getLocale() {
        return getAcceptLanguage();
    }

    @Override
    public Enumeration<Locale> getLocales() {
        Iterator<Locale> locales = getAcceptLanguages();
        return Collections.enumeration(iterate(locales));
    }

    private static <T> java.util.List<T> iterate(Iterator<T> it) {
        java.util.List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return null;   // SIP requests are not forwarded to paths
    }

    @Override
    public ServletContext getServletContext() {
        return sipSession() == null ? null : sipSession().application().servletContext();
    }

    @Override
    public AsyncContext startAsync() {
        throw new IllegalStateException("SIP requests are not asynchronous servlet requests");
    }

    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        throw new IllegalStateException("SIP requests are not asynchronous servlet requests");
    }

    @Override
    public boolean isAsyncStarted() {
        return false;
    }

    @Override
    public boolean isAsyncSupported() {
        return false;
    }

    @Override
    public AsyncContext getAsyncContext() {
        throw new IllegalStateException("SIP requests are not asynchronous servlet requests");
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }

    @Override
    public String getRequestId() {
        return requestId;
    }

    /** The branch of the top Via identifies the transaction on the wire (RFC 3261 §17.2.3). */
    @Override
    public String getProtocolRequestId() {
        return request.getTopVia() == null ? "" : request.getTopVia().branch();
    }

    @Override
    public ServletConnection getServletConnection() {
        String transport = getTransport();
        String remote = getRemoteAddr() + ":" + getRemotePort();
        return new ServletConnection() {
            @Override
            public String getConnectionId() {
                return remote;
            }

            @Override
            public String getProtocol() {
                return "SIP/2.0";
            }

            @Override
            public String getProtocolConnectionId() {
                return "";
            }

            @Override
            public boolean isSecure() {
                return SipServletRequestImpl.this.isSecure();
            }

            @Override
            public String toString() {
                return transport + " " + remote;
            }
        };
    }
}
