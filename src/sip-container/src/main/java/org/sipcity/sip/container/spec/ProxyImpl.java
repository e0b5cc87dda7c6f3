package org.sipcity.sip.container.spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.core.LoopDetection;
import org.sipcity.sip.container.core.SerialQueue;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * A stateful proxy for one received request (JSR 289 §10; RFC 3261 §16): forwards copies to the targets the
 * application names, in parallel or one after the other, relays provisional responses and every 2xx upstream at
 * once, cancels the other branches after a 2xx, and otherwise forwards the best final response once every branch
 * has one (§16.7 step 6). With supervision the application sees the responses first and may add branches when all
 * failed.
 *
 * <p>Used only in the queue of the application session (servlet calls and responses run there one at a time), so it
 * holds no locks. Timer C (RFC 3261 §16.8) is the proxy timeout of each branch. Not yet: recursion on 3xx, stateless
 * proxying.
 */
public final class ProxyImpl implements Proxy {

    private static final Logger LOG = Logger.getLogger(ProxyImpl.class);
    /** JSR 289 §10.2.2 / sip.xml proxy-timeout default: 180 s. */
    private static final int DEFAULT_TIMEOUT_SECONDS = 180;

    private final SipServletRequestImpl original;
    private final SerialQueue queue;
    private final boolean applicationDriven;
    private final List<ProxyBranchImpl> branches = new ArrayList<>();
    private boolean recordRoute;
    private boolean supervised = true;
    private boolean parallel = true;
    private boolean noCancel;
    private boolean addToPath;
    private int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
    private int sequentialTimeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
    private SipURIImpl recordRouteUri;
    private SipServletResponseImpl best;
    private boolean finalForwarded;
    private String loopKey;
    /** For a request forwarded by Route: the proxy session of its record-routed dialog, or null. */
    private SipSessionImpl proxiedDialog;

    /** The proxy of an initial request the application proxies (through {@code getProxy}). */
    ProxyImpl(SipServletRequestImpl original) {
        this(original, original.sipSession().applicationSession().queue(), true);
    }

    private ProxyImpl(SipServletRequestImpl original, SerialQueue queue, boolean applicationDriven) {
        this.original = original;
        this.queue = queue;
        this.applicationDriven = applicationDriven;
        original.proxiedBy(this);
    }

    /**
     * Forwards a request that reached us by a Route we record-routed (RFC 3261 §16.4 popped it) and that belongs to no
     * application dialog here: a subsequent request of a dialog this proxy record-routed. It goes to its Request-URI
     * (the next Route, if any, decides the hop), unsupervised. {@code proxiedDialog} is the proxy session of that
     * dialog when it is known (its queue is {@code queue}); a BYE that completes ends it.
     */
    public static void forwardByRoute(SipServletRequestImpl request, SerialQueue queue,
                                      org.sipcity.sip.container.core.RequestSender sender, SipSessionImpl proxiedDialog) {
        if (request.stackMessage().getMaxForwards() == 0) {
            // RFC 3261 §16.3 step 2
            SipResponse tooMany = request.stackMessage().createResponse(483, null);
            if (request.serverTransaction() != null) {
                request.serverTransaction().sendResponse(tooMany);
            }
            return;
        }
        if (sender.hasLooped(request.stackMessage())) {
            // RFC 3261 §16.3 step 4
            if (request.serverTransaction() != null) {
                request.serverTransaction().sendResponse(request.stackMessage().createResponse(482, null));
            }
            return;
        }
        ProxyImpl proxy = new ProxyImpl(request, queue, false);
        proxy.supervised = false;
        proxy.proxiedDialog = proxiedDialog;
        ProxyBranchImpl branch = proxy.newBranch(Uris.fromStack(request.stackMessage().getRequestUri()));
        try {
            FlowRoutes.routeTowardsFlow(request, branch.pendingRequest().stackMessage());
        } catch (FlowRoutes.FlowRouteException e) {
            proxy.relayLocal(e.status(), e.reason());
            return;
        }
        proxy.branches.add(branch);
        proxy.start(branch, sender);
    }

    /**
     * A branch to {@code target} with its request made now (RFC 3261 §16.6 steps 1-2: a copy with the target as
     * Request-URI), so that the application can change it through {@link ProxyBranchImpl#getRequest()} — push a
     * Route, add a header — before the branch starts (JSR 289 §10.2.3).
     */
    private ProxyBranchImpl newBranch(URI target) {
        SipRequest copy = Messages.copy(original.stackMessage());
        copy.setRequestUri(Uris.toStack(target));
        SipServletRequestImpl forwarded = new SipServletRequestImpl(copy, original.sipSession(), false);
        ProxyBranchImpl branch = new ProxyBranchImpl(this, target, forwarded);
        forwarded.branchOf(branch);
        return branch;
    }

    /** RFC 3261 §16.3 step 4: whether {@code request}, which an application proxies, came back to us unchanged. */
    static boolean hasLooped(SipServletRequestImpl request) {
        return request.sipSession().application().runtime().sender().hasLooped(request.stackMessage());
    }

    /** The loop key every branch of this proxy carries, made once from the request as received. */
    private String loopKey() {
        if (loopKey == null) {
            loopKey = LoopDetection.loopKey(original.stackMessage());
        }
        return loopKey;
    }

    /** The server transaction of the request proxied, through which responses go upstream; null for none. */
    public org.sipcity.stack.transaction.ServerTransaction upstream() {
        return original.serverTransaction();
    }

    /** The queue the responses of this proxy's branches run in. */
    public SerialQueue queue() {
        return queue;
    }

    // ---- forwarding (RFC 3261 §16.6) --------------------------------------------------------------------------

    @Override
    public void proxyTo(URI uri) {
        proxyTo(List.of(uri));
    }

    @Override
    public void proxyTo(List<? extends URI> uris) {
        createProxyBranches(uris);
        startProxy();
    }

    @Override
    public List<ProxyBranch> createProxyBranches(List<? extends URI> targets) {
        checkOpen();
        List<ProxyBranch> created = new ArrayList<>(targets.size());
        for (URI target : targets) {
            if (target == null) {
                throw new NullPointerException("proxy target");
            }
            ProxyBranchImpl branch = newBranch(target.clone());
            branches.add(branch);
            created.add(branch);
        }
        return created;
    }

    @Override
    public void startProxy() {
        checkOpen();
        if (branches.stream().noneMatch(b -> !b.isStarted())) {
            throw new IllegalStateException("No branch to start: create branches or call proxyTo first");
        }
        org.sipcity.sip.container.core.RequestSender sender = original.sipSession().application().runtime().sender();
        if (parallel) {
            for (ProxyBranchImpl branch : List.copyOf(branches)) {
                if (!branch.isStarted()) {
                    start(branch, sender);
                }
            }
        } else if (branches.stream().noneMatch(ProxyBranchImpl::isPending)) {
            startNextSequential(sender);
        }
    }

    private void startNextSequential(org.sipcity.sip.container.core.RequestSender sender) {
        for (ProxyBranchImpl branch : branches) {
            if (!branch.isStarted()) {
                start(branch, sender);
                return;
            }
        }
    }

    /**
     * RFC 3261 §16.6 steps 3-8 on the branch's request (copy and Request-URI were made with the branch): Max-Forwards,
     * Record-Route (the branch's URI, flow values sealed), Path, then our Via and the send.
     */
    private void start(ProxyBranchImpl branch, org.sipcity.sip.container.core.RequestSender sender) {
        SipServletRequestImpl forwarded = branch.pendingRequest();
        forwarded.loopKey(loopKey());
        SipRequest copy = forwarded.stackMessage();
        int maxForwards = copy.getMaxForwards();
        copy.setHeader(HeaderName.MAX_FORWARDS, Integer.toString(maxForwards < 0 ? 70 : maxForwards - 1));
        if (branch.getRecordRoute() && applicationDriven) {
            SipUri toCallee = branch.recordRouteUri().toStack();
            SipUri toCaller = ((SipURIImpl) getRecordRouteURI()).toStack();
            if (FlowRoutes.hasFlow(toCaller) && FlowRoutes.hasFlow(toCallee)
                    && !toCaller.parameters().get(FlowRoutes.FLOW).equals(toCallee.parameters().get(FlowRoutes.FLOW))) {
                // Two flows, one per side (RFC 5658 double record-routing): the proxy's URI names the caller's flow
                // and ends up first in the caller's route set, the branch's URI the callee's, first in the callee's.
                copy.addHeaderFirst(HeaderName.RECORD_ROUTE, "<" + FlowRoutes.seal(toCaller) + ">");
            }
            copy.addHeaderFirst(HeaderName.RECORD_ROUTE, "<" + FlowRoutes.seal(toCallee) + ">");
        }
        if (branch.getAddToPath() && applicationDriven && SipMethod.REGISTER.equals(copy.getMethod())) {
            copy.addHeaderFirst(HeaderName.PATH, "<" + ourUri() + ">");   // RFC 3327 §5.1
        }
        branch.started();
        if (applicationDriven) {
            branch.armTimerC(original.sipSession().application().runtime().timer(), queue);
        }
        try {
            sender.send(forwarded);
        } catch (IOException | RuntimeException e) {
            // §16.7: a branch that cannot be sent counts as a 503 from it (430 or 403 for a flow route that cannot be
            // honoured), delivered after the servlet's current call so that a supervising servlet sees it as it
            // would a received one.
            LOG.debugf("Branch to %s failed: %s", branch.target(), e.getMessage());
            sender.reportUnsent(forwarded, e);
        }
    }

    // ---- responses (RFC 3261 §16.7) ---------------------------------------------------------------------------

    /**
     * A response for {@code branch}, in the application session's queue.
     *
     * @param servlet calls the application's servlet with a response (null: do not)
     */
    public void branchResponse(ProxyBranchImpl branch, SipServletResponseImpl response,
                               Consumer<SipServletResponseImpl> servlet) {
        int status = response.getStatus();
        boolean first = branch.responded(response);
        if (status == 100) {
            return;   // §16.7 step 3: 100 Trying is hop by hop
        }
        boolean tellServlet = supervised && servlet != null;
        if (status < 200) {
            if (applicationDriven && !branch.isFinal()) {
                // §16.7 step 2: Timer C restarts with every provisional response
                branch.armTimerC(original.sipSession().application().runtime().timer(), queue);
            }
            if (tellServlet) {
                servlet.accept(response);
            }
            if (!finalForwarded) {
                relay(response);
            }
            return;
        }
        if (status < 300) {
            // §16.7 step 5 and 10: every 2xx goes upstream at once; the other branches are cancelled.
            if (tellServlet && first) {
                servlet.accept(response);
            }
            boolean firstFinal = !finalForwarded;
            if (firstFinal) {
                finalForwarded = true;
                original.finalResponseSent();
                proxiedToTheEnd(response, branch);   // before the relay: the caller's ACK and BYE may follow at once
            } else if (first) {
                anotherDialog(response, branch);      // a second branch's 2xx: a second dialog through us
            }
            relay(response);
            if (firstFinal && !noCancel) {
                cancelPending();
            }
            return;
        }
        if (finalForwarded || !first) {
            return;
        }
        if (best == null || better(status, best.getStatus())) {
            best = response;
        }
        if (!parallel && !branches.stream().allMatch(ProxyBranchImpl::isStarted)) {
            startNextSequential(original.sipSession().application().runtime().sender());
            return;
        }
        if (branches.stream().anyMatch(b -> !b.isFinal())) {
            return;
        }
        if (tellServlet) {
            servlet.accept(best);   // JSR 289 §10.2.4: the application may still proxy to more targets
            if (branches.stream().anyMatch(b -> !b.isFinal())) {
                return;
            }
        }
        finalForwarded = true;
        original.finalResponseSent();
        proxiedToTheEnd(best, null);
        relay(best);
    }

    /**
     * The proxy's own SIP session ends with the transaction unless a dialog was set up through it (a 2xx on a
     * record-routed {@code branch}); a BYE forwarded by Route ends the dialog its proxy session stayed in.
     */
    private void proxiedToTheEnd(SipServletResponseImpl response, ProxyBranchImpl branch) {
        int status = response.getStatus();
        if (original.sipSession() != null) {
            boolean recordRouted = branch != null && branch.getRecordRoute();
            original.sipSession().proxied(original.method(), status, response.stackMessage().getToTag(), recordRouted);
        } else if (proxiedDialog != null && SipMethod.BYE.equals(original.method()) && endsDialog(status)) {
            SipRequest bye = original.stackMessage();
            proxiedDialog.proxiedDialogEnded(bye.getCallId(), bye.getFromTag(), bye.getToTag());
        }
    }

    /**
     * A 2xx of another branch after the first went upstream (a forked INVITE answered by more than one UA): it went
     * upstream too (§16.7 step 5), and when that branch was record-routed the dialog it sets up is tracked with the
     * first, so its ACK and BYE keep their order in the session's queue and the session lasts until both ended.
     */
    private void anotherDialog(SipServletResponseImpl response, ProxyBranchImpl branch) {
        if (original.sipSession() != null && branch.getRecordRoute()
                && SipMethod.INVITE.equals(original.method())) {
            original.sipSession().proxiedAnother(response.stackMessage().getToTag());
        }
    }

    /**
     * RFC 3261 §15.1.2 and §12.2.1.2: a BYE ends the dialog once answered 2xx, or 481/408 (the dialog is gone or the
     * peer unreachable); a challenge (401/407) or other failure leaves it up for a retried BYE.
     */
    private static boolean endsDialog(int status) {
        return status < 300 || status == 481 || status == 408;
    }

    /** The proxy session of the dialog a request forwarded by Route belongs to, or null. */
    public SipSessionImpl proxiedDialog() {
        return proxiedDialog;
    }

    /** §16.7 step 6: a 6xx wins, else the lowest class; the first of a class stays. */
    private static boolean better(int candidate, int current) {
        return rank(candidate) < rank(current);
    }

    private static int rank(int status) {
        return status >= 600 ? 0 : status / 100;
    }

    /** §16.7 step 9: the response minus our Via, through the original server transaction; 503 becomes 500 (step 6). */
    private void relay(SipServletResponseImpl response) {
        SipResponse message = response.stackMessage();
        if (message.getStatus() == 503) {
            SipResponse replaced = original.stackMessage().createResponse(500, "Server Internal Error - next hop unavailable");
            String to = message.getHeader(HeaderName.TO);
            if (to != null) {
                replaced.setHeader(HeaderName.TO, to);
            }
            message = replaced;
        } else if (!isOriginalTopVia(message)) {
            // A response made here for a branch that could not be sent (430, 403) never had our Via.
            message.removeFirstHeader(HeaderName.VIA);
        }
        if (original.serverTransaction() != null && !original.serverTransaction().sendResponse(message)) {
            LOG.debugf("%d not relayed: the server transaction no longer accepts responses", message.getStatus());
        }
    }

    private boolean isOriginalTopVia(SipResponse message) {
        var top = message.getTopVia();
        var upstream = original.stackMessage().getTopVia();
        return top != null && upstream != null && top.branch() != null && top.branch().equals(upstream.branch())
                && top.host().equalsIgnoreCase(upstream.host()) && top.port() == upstream.port();
    }

    private void cancelPending() {
        for (ProxyBranchImpl branch : branches) {
            branch.cancel();
        }
    }

    /** The request was cancelled upstream (RFC 3261 §16.10): cancel every pending branch; 487s come back as finals. */
    public void cancelledUpstream() {
        if (finalForwarded) {
            return;
        }
        if (branches.stream().noneMatch(ProxyBranchImpl::isPending)) {
            finalForwarded = true;
            original.finalResponseSent();
            if (original.sipSession() != null) {
                original.sipSession().proxied(original.method(), 487, null, false);
            }
            relayLocal(487, "Request Terminated");
            return;
        }
        for (ProxyBranchImpl branch : branches) {
            if (!branch.isStarted()) {
                branch.responded(new SipServletResponseImpl(original,
                        original.stackMessage().createResponse(487, null), MessageEndpoints.UNKNOWN));
            }
        }
        cancelPending();
    }

    private void relayLocal(int status, String reason) {
        SipResponse response = original.stackMessage().createResponse(status, reason);
        if (original.sipSession() != null) {
            response.setToTag(original.sipSession().localTag());
        } else if (response.getToTag() == null) {
            response.setToTag(Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1L << 62));
        }
        if (original.serverTransaction() != null) {
            original.serverTransaction().sendResponse(response);
        }
    }

    @Override
    public void cancel() {
        checkOpen();
        cancelPending();
    }

    @Override
    public void cancel(String[] protocol, int[] reasonCode, String[] reasonText) {
        cancel();
    }

    private void checkOpen() {
        if (finalForwarded) {
            throw new IllegalStateException("The proxy has forwarded its final response");
        }
    }

    // ---- settings ---------------------------------------------------------------------------------------------

    @Override
    public SipServletRequest getOriginalRequest() {
        return original;
    }

    @Override
    public List<ProxyBranch> getProxyBranches() {
        return List.copyOf(branches);
    }

    @Override
    public ProxyBranch getProxyBranch(URI uri) {
        for (ProxyBranchImpl branch : branches) {
            if (branch.target().equals(uri)) {
                return branch;
            }
        }
        return null;
    }

    @Override
    public boolean getRecordRoute() {
        return recordRoute;
    }

    /** RFC 3261 §16.6 step 4: stay on the path of the dialog's later requests. */
    @Override
    public void setRecordRoute(boolean value) {
        if (branches.stream().anyMatch(ProxyBranchImpl::isStarted)) {
            throw new IllegalStateException("Record-Route is decided before the proxy starts");
        }
        recordRoute = value;
    }

    /** {@code <sip:our-address:port;transport=…;lr>} of the connector the request came in on (RFC 3261 §16.6 step 4). */
    @Override
    public SipURI getRecordRouteURI() {
        if (!recordRoute) {
            throw new IllegalStateException("The proxy does not record-route");
        }
        return ourUri();
    }

    SipURI ourUri() {
        if (recordRouteUri == null) {
            InetSocketAddress local = original.endpoints().local();
            if (local == null) {
                throw new IllegalStateException("The local address of the request is not known");
            }
            String advertised = original.sipSession().application().runtime().config().advertisedHost();
            recordRouteUri = new SipURIImpl(Contacts.of(local, original.endpoints().transport(), advertised));
            recordRouteUri.setLrParam(true);
        }
        return recordRouteUri;
    }

    @Override
    public boolean getSupervised() {
        return supervised;
    }

    @Override
    public void setSupervised(boolean value) {
        supervised = value;
    }

    @Override
    public boolean getParallel() {
        return parallel;
    }

    @Override
    public void setParallel(boolean value) {
        parallel = value;
    }

    @Override
    public boolean getNoCancel() {
        return noCancel;
    }

    @Override
    public void setNoCancel(boolean value) {
        noCancel = value;
    }

    @Override
    public int getProxyTimeout() {
        return timeoutSeconds;
    }

    /** Timer C of branches started from now on (RFC 3261 §16.8: more than 3 minutes for INVITE by default). */
    @Override
    public void setProxyTimeout(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("A proxy timeout is positive: " + seconds);
        }
        timeoutSeconds = seconds;
    }

    @Override
    public int getSequentialSearchTimeout() {
        return sequentialTimeoutSeconds;
    }

    @Override
    public void setSequentialSearchTimeout(int seconds) {
        sequentialTimeoutSeconds = seconds;
    }

    /** Always stateful: the stack keeps a transaction per branch. */
    @Override
    public boolean getStateful() {
        return true;
    }

    @Override
    public void setStateful(boolean value) {
        // stateless proxying is not offered: JSR 289 deprecates it
    }

    @Override
    public boolean getRecurse() {
        return false;
    }

    /** Recursion on 3xx Contacts (RFC 3261 §16.7 step 4) is not done: redirects reach the application. */
    @Override
    public void setRecurse(boolean value) {
        // see getRecurse
    }

    @Override
    public boolean getAddToPath() {
        return addToPath;
    }

    /** RFC 3327: a REGISTER forwarded by this proxy gets a Path naming us, so requests to the contact come back here. */
    @Override
    public void setAddToPath(boolean value) {
        if (branches.stream().anyMatch(ProxyBranchImpl::isStarted)) {
            throw new IllegalStateException("Path is decided before the proxy starts");
        }
        addToPath = value;
    }

    /** The Path URI: the same {@code <sip:our-address:port;lr>} as the Record-Route (RFC 3327 §5.1). */
    @Override
    public SipURI getPathURI() {
        if (!addToPath) {
            throw new IllegalStateException("The proxy does not add a Path");
        }
        return ourUri();
    }

    @Override
    public void setOutboundInterface(InetAddress address) {
        // one outbound interface per transport: the stack's connector
    }

    @Override
    public void setOutboundInterface(InetSocketAddress address) {
        // one outbound interface per transport: the stack's connector
    }
}
