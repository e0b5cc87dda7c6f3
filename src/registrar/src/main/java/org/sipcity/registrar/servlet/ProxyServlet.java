package org.sipcity.registrar.servlet;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletException;

import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.TooManyHopsException;
import javax.servlet.sip.URI;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.proxy.LocalTargets;
import org.sipcity.registrar.proxy.ProxyDecision;
import org.sipcity.registrar.proxy.ProxyPolicy;
import org.sipcity.registrar.proxy.TargetDecision;

/**
 * The outbound proxy (RFC 3261 §16): {@link ProxyPolicy} decides, this servlet carries the decision out with the
 * container's stateful {@link Proxy}, record-routing and supervising. A local user's bindings are tried in q-value
 * groups: the branches of one group in parallel, the next group only when the best response of the previous one is
 * neither 2xx nor 6xx (RFC 3261 §16.6 / §16.7). Each branch goes where {@link BranchRoutes} says: over the flow the
 * binding registered on, through its Path, or to its Contact.
 * <p>
 * On a cluster node (docs/CLUSTERING.md) a binding another node owns is reached through that node's Path, which names
 * the flow with a region token ({@link EdgePath}); the owner's container pops its Route and this servlet, seeing a
 * popped flow route on an initial request, relays the request along that flow ({@link #alongFlow}): no lookup and no
 * challenge there (the node that looked the user up did both), 430 from the container when the flow is gone, 403 when
 * the token is forged.
 */
@javax.servlet.sip.annotation.SipServlet(name = "proxy", loadOnStartup = 2,
        description = "Outbound proxy: local users by the location service, other domains for subscribers")
public class ProxyServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ProxyServlet.class);
    /** Request attribute: the q-value groups not tried yet. */
    private static final String REMAINING_GROUPS = "org.sipcity.registrar.proxy.remaining-groups";
    /** Session attribute: the caller cancelled, so no further group is tried. */
    private static final String CANCELLED = "org.sipcity.registrar.proxy.cancelled";

    private transient ProxyPolicy policy;
    private transient LocalTargets targets;
    private transient SipFactory factory;
    private transient SipURI nextHop;
    /** This cluster node's name, or null on a single node. */
    private transient String node;

    @Override
    public void init() throws ServletException {
        policy = CDI.current().select(ProxyPolicy.class).get();
        targets = CDI.current().select(LocalTargets.class).get();
        factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        RegistrarSettings settings = CDI.current().select(RegistrarSettings.class).get();
        node = CDI.current().select(JpaLocationService.class).get().node();
        String configured = settings.proxyNextHop();
        if (configured != null) {
            URI parsed;
            try {
                parsed = factory.createURI(configured);
            } catch (ServletParseException e) {
                throw new ServletException(RegistrarSettings.PREFIX + "proxy-next-hop is not a SIP URI: " + configured, e);
            }
            if (!(parsed instanceof SipURI sip)) {
                throw new ServletException(RegistrarSettings.PREFIX + "proxy-next-hop is not a SIP URI: " + configured);
            }
            nextHop = sip;
        }
    }

    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        String method = request.getMethod();
        if (!request.isInitial() || "ACK".equals(method) || "CANCEL".equals(method)) {
            return;   // in-dialog requests of our dialogs are forwarded by the container; a stray ACK is dropped
        }
        if (node != null && request.getPoppedRoute() != null
                && request.getPoppedRoute().getURI() instanceof SipURI popped
                && popped.getParameter(BranchRoutes.FLOW) != null) {
            alongFlow(request, popped);
            return;
        }
        ProxyDecision decision;
        try {
            decision = policy.decide(SipRequests.proxy(request));
        } catch (SipRequests.UnreadableRequest e) {
            request.createResponse(400, e.getMessage()).send();
            return;
        }
        if (decision instanceof ProxyDecision.Answer answer) {
            answer(request, answer);
        } else if (decision instanceof ProxyDecision.ToLocalUser local) {
            toLocalUser(request, local);
        } else {
            onward(request, (ProxyDecision.Onward) decision);
        }
    }

    private static void answer(SipServletRequest request, ProxyDecision.Answer answer) throws IOException {
        SipServletResponse response = request.createResponse(answer.status(), answer.reason());
        for (ProxyDecision.Header header : answer.headers()) {
            response.addHeader(header.name(), header.value());
        }
        if (answer.status() == 200) {
            response.setHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, PRACK, INFO, MESSAGE,"
                    + " SUBSCRIBE, NOTIFY, REFER");
        }
        response.send();
    }

    /**
     * RFC 3327 §5.3 / RFC 5626 §5.3, on a cluster node: an initial request that reached us by a Route naming one of our
     * flows (a binding's Path through this node) goes to its Request-URI over that flow. The Route goes back on top for the container,
     * which sends over the flow it names or answers 430 (gone) or 403 (not a token of ours or of the region).
     */
    private void alongFlow(SipServletRequest request, SipURI flowRoute) throws IOException {
        Proxy proxy = proxyOf(request);
        if (proxy == null) {
            return;
        }
        proxy.setRecordRoute(true);
        proxy.setSupervised(false);
        BranchRoutes.markCaller(proxy.getRecordRouteURI(), request);
        ProxyBranch branch = proxy.createProxyBranches(List.of(request.getRequestURI())).get(0);
        branch.getRequest().pushRoute(request.getPoppedRoute());
        BranchRoutes.markCallee(branch.getRecordRouteURI(), flowRoute);
        proxy.startProxy();
    }

    private void toLocalUser(SipServletRequest request, ProxyDecision.ToLocalUser local) throws IOException {
        TargetDecision found = targets.resolve(local.user(), local.domain(), Clock.systemUTC().instant());
        if (found instanceof TargetDecision.UnknownUser) {
            request.createResponse(404, "Not Found").send();
            return;
        }
        if (found instanceof TargetDecision.NotRegistered) {
            request.createResponse(480, "Temporarily Unavailable (no registered contact)").send();
            return;
        }
        SipRequests.consumeCredentials(request, local.consumedRealm());
        Proxy proxy = proxyOf(request);
        if (proxy == null) {
            return;
        }
        proxy.setRecordRoute(true);   // in-dialog requests come back through us and over each side's flow
        proxy.setSupervised(true);    // we see the best response of each group
        proxy.setParallel(true);
        BranchRoutes.markCaller(proxy.getRecordRouteURI(), request);
        List<List<ContactBinding>> all = ((TargetDecision.Groups) found).groups();
        request.setAttribute(REMAINING_GROUPS, all.subList(1, all.size()));
        if (!startGroup(proxy, all.get(0))) {
            request.createResponse(480, "Temporarily Unavailable (no usable contact)").send();
        }
    }

    private void onward(SipServletRequest request, ProxyDecision.Onward onward) throws IOException {
        SipRequests.consumeCredentials(request, onward.consumedRealm());
        Proxy proxy = proxyOf(request);
        if (proxy == null) {
            return;
        }
        proxy.setRecordRoute(true);
        proxy.setSupervised(false);
        List<ProxyBranch> branches = proxy.createProxyBranches(List.of(request.getRequestURI()));
        if (onward.nextHop() != null) {
            branches.get(0).getRequest().pushRoute(nextHop);
        }
        proxy.startProxy();
    }

    /** Starts one q-value group, a branch per binding routed as it requires; false when none could be made. */
    private boolean startGroup(Proxy proxy, List<ContactBinding> group) throws IOException {
        List<URI> uris = new ArrayList<>(group.size());
        List<ContactBinding> usable = new ArrayList<>(group.size());
        for (ContactBinding binding : group) {
            try {
                uris.add(factory.createURI(binding.contactUri()));
                usable.add(binding);
            } catch (ServletParseException e) {
                LOG.warnf("Binding %s of %s has an unreadable contact; skipped", binding.contactUri(), binding.aor());
            }
        }
        if (uris.isEmpty()) {
            return false;
        }
        SipServletRequest original = proxy.getOriginalRequest();
        List<ProxyBranch> branches = proxy.createProxyBranches(uris);
        for (int i = 0; i < branches.size(); i++) {
            try {
                BranchRoutes.apply(branches.get(i), usable.get(i), original, factory, node);
            } catch (ServletParseException e) {
                LOG.warnf("Binding %s of %s has an unreadable Path (%s); sent to its contact",
                        usable.get(i).contactUri(), usable.get(i).aor(), e.getMessage());
            }
        }
        proxy.startProxy();
        return true;
    }

    /**
     * With supervision the container shows us the best final response of a group once all its branches failed
     * (JSR 289 §10.2.4), before it goes upstream: the moment to try the next group (RFC 3261 §16.6 on q-values).
     */
    @Override
    protected void doErrorResponse(SipServletResponse response) throws ServletException, IOException {
        Proxy proxy = response.getProxy();
        if (proxy == null || response.getStatus() >= 600 || response.getSession().getAttribute(CANCELLED) != null) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<List<ContactBinding>> remaining =
                (List<List<ContactBinding>>) proxy.getOriginalRequest().getAttribute(REMAINING_GROUPS);
        if (remaining == null || remaining.isEmpty()) {
            return;
        }
        for (int i = 0; i < remaining.size(); i++) {
            proxy.getOriginalRequest().setAttribute(REMAINING_GROUPS, remaining.subList(i + 1, remaining.size()));
            if (startGroup(proxy, remaining.get(i))) {
                return;
            }
        }
    }

    @Override
    protected void doCancel(SipServletRequest cancel) {
        cancel.getSession().setAttribute(CANCELLED, Boolean.TRUE);   // the container has cancelled the branches
    }

    /** The request's proxy; null when Max-Forwards was 0 (the container answered 483, RFC 3261 §16.3 step 2). */
    private static Proxy proxyOf(SipServletRequest request) {
        try {
            return request.getProxy();
        } catch (TooManyHopsException e) {
            return null;
        }
    }

}
