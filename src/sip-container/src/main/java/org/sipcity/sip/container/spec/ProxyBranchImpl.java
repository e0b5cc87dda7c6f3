package org.sipcity.sip.container.spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.core.SerialQueue;
import org.sipcity.stack.message.SipMethod;

/**
 * One target of a {@link ProxyImpl} (JSR 289 §10.2.3; RFC 3261 §16.6 "request forwarding" for one element of the
 * target set): the forwarded copy of the request, its client transaction, and the responses it got.
 *
 * <p>Used only in the queue of its proxy's application session.
 */
public final class ProxyBranchImpl implements ProxyBranch {

    private static final Logger LOG = Logger.getLogger(ProxyBranchImpl.class);

    private final ProxyImpl proxy;
    private final URI target;
    private final SipServletRequestImpl request;
    private SipURIImpl recordRouteUri;
    private SipServletResponseImpl response;
    private boolean started;
    private boolean provisionalReceived;
    private boolean finalReceived;
    private boolean cancelRequested;
    private boolean recordRoute;
    private boolean addToPath;
    private int timeoutSeconds;
    /** RFC 3261 §16.6 step 11 Timer C, armed while the branch is pending. */
    private org.sipcity.stack.timer.TimerHandle timerC;

    ProxyBranchImpl(ProxyImpl proxy, URI target, SipServletRequestImpl request) {
        this.proxy = proxy;
        this.target = target;
        this.request = request;
        this.recordRoute = proxy.getRecordRoute();
        this.addToPath = proxy.getAddToPath();
        this.timeoutSeconds = proxy.getProxyTimeout();
    }

    URI target() {
        return target;
    }

    void started() {
        this.started = true;
    }

    /** The request this branch sends (or sent). */
    SipServletRequestImpl pendingRequest() {
        return request;
    }

    /** The Record-Route URI this branch writes: its own copy once the application asked for it, else the proxy's. */
    SipURIImpl recordRouteUri() {
        return recordRouteUri != null ? recordRouteUri : (SipURIImpl) proxy.getRecordRouteURI();
    }

    /**
     * RFC 3261 §16.6 step 11 / §16.8 Timer C: when the branch has had a provisional response but no final one for the
     * proxy timeout, it is cancelled (its 487 then ends it). A branch with no response at all is ended earlier by its
     * own transaction (Timer B/F, 32 s), which reports a 408.
     */
    void armTimerC(org.sipcity.stack.timer.SipTimer clock, SerialQueue queue) {
        disarmTimerC();
        try {
            timerC = clock.schedule(() -> queue.submit(this::timerCFired, false), timeoutSeconds,
                    java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("No Timer C for branch to %s: %s", target, e.getMessage());
        }
    }

    private void disarmTimerC() {
        if (timerC != null) {
            timerC.cancel();
            timerC = null;
        }
    }

    private void timerCFired() {
        if (isPending() && provisionalReceived) {
            LOG.debugf("Timer C fired for branch to %s: cancelling it", target);
            cancel();
        }
    }

    /** Records a response; returns false for a response after the final one (a 2xx retransmission or fork). */
    boolean responded(SipServletResponseImpl value) {
        boolean first = !finalReceived;
        response = value;
        if (value.getStatus() >= 200) {
            finalReceived = true;
            disarmTimerC();
        } else if (value.getStatus() > 100) {
            provisionalReceived = true;
            if (cancelRequested) {
                sendCancel();   // RFC 3261 §9.1: a CANCEL waits for a provisional response
            }
        }
        return first;
    }

    boolean isFinal() {
        return finalReceived;
    }

    boolean isPending() {
        return started && !finalReceived;
    }

    /** RFC 3261 §16.10 / §9.1: cancels an INVITE branch still pending, once it has had a provisional response. */
    @Override
    public void cancel() {
        if (!isPending() || cancelRequested) {
            return;
        }
        cancelRequested = true;
        if (provisionalReceived) {
            sendCancel();
        }
    }

    @Override
    public void cancel(String[] protocol, int[] reasonCode, String[] reasonText) {
        cancel();   // RFC 3326 Reason headers are not added yet
    }

    private void sendCancel() {
        if (!SipMethod.INVITE.equals(request.method())) {
            return;   // only INVITE transactions are cancelled; others end on their own (RFC 3261 §9.1)
        }
        try {
            request.createCancel().send();
        } catch (IOException | IllegalStateException e) {
            LOG.debugf("CANCEL of branch to %s not sent: %s", target, e.getMessage());
        }
    }

    @Override
    public Proxy getProxy() {
        return proxy;
    }

    public ProxyImpl proxy() {
        return proxy;
    }

    /** The request of this branch: before {@code startProxy} the application may still change it (push a Route). */
    @Override
    public SipServletRequest getRequest() {
        return request;
    }

    @Override
    public SipServletResponse getResponse() {
        return response;
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    @Override
    public boolean getRecordRoute() {
        return recordRoute;
    }

    @Override
    public void setRecordRoute(boolean value) {
        checkNotStarted();
        recordRoute = value;
    }

    /**
     * JSR 289 §10.2.3: this branch's own Record-Route URI (a copy of the proxy's made on first use), so that an
     * application can give each branch its parameters, e.g. the {@code flow} of the callee's connection
     * ({@link FlowRoutes}).
     */
    @Override
    public SipURI getRecordRouteURI() {
        if (!recordRoute) {
            throw new IllegalStateException("This branch does not record-route");
        }
        if (recordRouteUri == null) {
            recordRouteUri = (SipURIImpl) proxy.ourUri().clone();
        }
        return recordRouteUri;
    }

    /** Recursion on 3xx is not done: redirects reach the application as the branch's final response. */
    @Override
    public boolean getRecurse() {
        return false;
    }

    @Override
    public void setRecurse(boolean value) {
        // see getRecurse
    }

    @Override
    public List<ProxyBranch> getRecursedProxyBranches() {
        return List.of();
    }

    @Override
    public boolean getAddToPath() {
        return addToPath;
    }

    @Override
    public void setAddToPath(boolean value) {
        checkNotStarted();
        addToPath = value;
    }

    @Override
    public SipURI getPathURI() {
        if (!addToPath) {
            throw new IllegalStateException("This branch does not add a Path");
        }
        return proxy.ourUri();
    }

    @Override
    public int getProxyBranchTimeout() {
        return timeoutSeconds;
    }

    /** Timer C of this branch (RFC 3261 §16.6 step 11), from the next provisional response or start on. */
    @Override
    public void setProxyBranchTimeout(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("A branch timeout is positive: " + seconds);
        }
        timeoutSeconds = seconds;
    }

    @Override
    public void setOutboundInterface(InetAddress address) {
        // one outbound interface per transport: the stack's connector
    }

    @Override
    public void setOutboundInterface(InetSocketAddress address) {
        // one outbound interface per transport: the stack's connector
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("The branch has started");
        }
    }

    @Override
    public String toString() {
        return "ProxyBranch[" + target + (started ? ", started" : "") + (finalReceived ? ", " + response.getStatus() : "") + "]";
    }
}
