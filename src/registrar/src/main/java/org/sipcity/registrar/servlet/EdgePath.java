package org.sipcity.registrar.servlet;

import java.util.Locale;

import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

/**
 * The edge proxy role of a cluster node (RFC 5626 §5, RFC 3327; docs/CLUSTERING.md): a REGISTER that arrives over a
 * flow gets, before the registrar reads it, this node's own Path on top,
 * {@code <sip:NODE-ADDR;transport=tcp;lr;ob;flow=tcp:UA-ADDR:PORT!TOKEN>}. The container seals the flow value as a
 * region token (every node can route through the Path, only the node holding the connection can use it, a forged
 * value gets 403). The registrar stores the Path with the binding and returns it in the 200, and the proxy of any
 * node uses it as the binding's Route set, as Kamailio's {@code path} and {@code outbound} modules do.
 * <p>
 * The flow is strict ({@code ob}, 430 when the connection is gone) for a UA that registers an outbound flow; for a
 * stream UA without outbound it is {@code flow-optional} (the Contact is the fallback, as on one node); a UDP flow is
 * the address the REGISTER came from. NODE-ADDR is the local address of the connection: the node's own address,
 * which the other nodes reach directly.
 */
final class EdgePath {

    private EdgePath() {
    }

    static void push(SipServletRequest register, SipFactory factory) throws ServletParseException {
        String transport = register.getInitialTransport() != null ? register.getInitialTransport()
                : register.getTransport();
        if (transport == null || register.getInitialRemoteAddr() == null || register.getLocalAddr() == null) {
            return;   // not received over the network: nothing to be the edge of
        }
        transport = transport.toLowerCase(Locale.ROOT);
        boolean outbound = asksForOutbound(register);
        SipURI path = factory.createSipURI(null, BranchRoutes.literal(register.getLocalAddr()));
        path.setPort(register.getLocalPort());
        if (!"udp".equals(transport)) {
            path.setTransportParam(transport);
        }
        path.setLrParam(true);
        if (outbound) {
            path.setParameter("ob", "");
        }
        path.setParameter(BranchRoutes.FLOW, transport + ':' + BranchRoutes.literal(register.getInitialRemoteAddr())
                + ':' + register.getInitialRemotePort());
        if (!outbound && !"udp".equals(transport)) {
            path.setParameter(BranchRoutes.FLOW_OPTIONAL, "");
        }
        register.pushPath(factory.createAddress(path));
    }

    /** RFC 5626 §5.1: a Contact with {@code +sip.instance} and {@code reg-id} registers an outbound flow. */
    private static boolean asksForOutbound(SipServletRequest register) throws ServletParseException {
        var contacts = register.getAddressHeaders("Contact");
        while (contacts.hasNext()) {
            Address contact = contacts.next();
            if (!contact.isWildcard() && contact.getParameter("reg-id") != null
                    && contact.getParameter("+sip.instance") != null) {
                return true;
            }
        }
        return false;
    }
}
