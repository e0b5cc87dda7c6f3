package org.sipcity.registrar.servlet;

import java.util.List;

import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.registration.FlowAddress;

/**
 * How a branch to one binding leaves (the Request-URI stays the Contact URI in every case):
 * <ul>
 * <li>A binding registered through edge proxies: its Path values become the branch's Route set (RFC 3327 §5.3). On a
 * cluster node that includes a binding another node owns: its first Path is that node's ({@link EdgePath}), whose
 * region flow token the owner honours. A binding this node owns skips its own Path: we hold the flow, and reach it as
 * on one node (below).</li>
 * <li>Otherwise over the flow the REGISTER came on (RFC 5626 §5.3), named by a container flow route: a Route naming
 * us with {@code flow=<transport>:<address>:<port>}. The Contact's host may be a private address behind NAT; the
 * flow's remote address is what reaches the UA. An outbound binding ({@code +sip.instance} and {@code reg-id}) must
 * use its flow and fails with 430 when the connection is gone; a binding from a UA without outbound registered over
 * TCP or TLS prefers its connection and falls back to its Contact ({@code flow-optional}); a UDP binding is sent to
 * the address the REGISTER came from (Kamailio's "received"), there being no connection to lose.</li>
 * <li>The branch's Record-Route names the same flow, so that requests of the dialog coming from the other side also
 * reach the UA over its flow; the proxy's Record-Route names the caller's ({@link #markCaller}).</li>
 * </ul>
 */
final class BranchRoutes {

    static final String FLOW = "flow";
    static final String FLOW_OPTIONAL = "flow-optional";

    private BranchRoutes() {
    }

    /**
     * Routes {@code branch} to {@code binding}.
     *
     * @param node this cluster node's name, or null on a single node
     */
    static void apply(ProxyBranch branch, ContactBinding binding, SipServletRequest original, SipFactory factory,
            String node) throws ServletParseException {
        List<String> path = binding.path();
        if (binding.isOwnedBy(node) && !path.isEmpty()) {
            path = path.subList(1, path.size());   // our own edge Path, always first (EdgePath)
        }
        if (!path.isEmpty()) {
            for (int i = path.size() - 1; i >= 0; i--) {
                branch.getRequest().pushRoute(factory.createAddress(path.get(i)));   // the first Path on top
            }
            return;
        }
        FlowToken token = binding.flowToken() != null ? binding.flowToken() : binding.source();
        FlowAddress flow = token == null ? null : FlowAddress.parse(token.text());
        if (flow == null) {
            return;   // registered before flows were recorded: its Contact it is
        }
        boolean optional = !"udp".equals(flow.transport()) && !binding.isOutboundFlow();
        String value = flowValue(flow);
        SipURI route = factory.createSipURI(null, literal(original.getLocalAddr()));
        route.setPort(original.getLocalPort());
        route.setLrParam(true);
        mark(route, value, optional);
        branch.getRequest().pushRoute(route);
        if (branch.getRecordRoute()) {
            mark(branch.getRecordRouteURI(), value, optional);
        }
    }

    /** {@code tcp:192.0.2.7:49152}, IPv6 in brackets: the container's flow parameter value. */
    static String flowValue(FlowAddress flow) {
        return flow.transport() + ':' + literal(flow.remoteHost()) + ':' + flow.remotePort();
    }

    /**
     * The caller's side: the proxy's Record-Route URI names the flow the request came over, so that requests of the
     * dialog from the callee reach the caller over it too (the container then record-routes twice, one URI per
     * side). Optional: the caller may not have asked for outbound, and its Contact is the fallback.
     */
    static void markCaller(SipURI proxyRecordRoute, SipServletRequest request) {
        String transport = request.getInitialTransport() != null ? request.getInitialTransport() : request.getTransport();
        if (transport == null || request.getInitialRemoteAddr() == null) {
            return;
        }
        String value = transport.toLowerCase(java.util.Locale.ROOT) + ':' + literal(request.getInitialRemoteAddr())
                + ':' + request.getInitialRemotePort();
        mark(proxyRecordRoute, value, !"udp".equalsIgnoreCase(transport));
    }

    /**
     * A request routed to us along one of our flows (a binding's Path naming this node, popped by the container): its
     * Record-Route names that flow, token as it came, so that requests of the dialog from the caller's side also
     * leave over the flow, and requests arriving over it go on by the rest of their route.
     */
    static void markCallee(SipURI branchRecordRoute, SipURI poppedFlowRoute) {
        mark(branchRecordRoute, poppedFlowRoute.getParameter(FLOW), poppedFlowRoute.getParameter(FLOW_OPTIONAL) != null);
    }

    private static void mark(SipURI uri, String value, boolean optional) {
        uri.setParameter(FLOW, value);
        if (optional) {
            uri.setParameter(FLOW_OPTIONAL, "");
        } else {
            uri.removeParameter(FLOW_OPTIONAL);
        }
    }

    static String literal(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? '[' + host + ']' : host;
    }
}
