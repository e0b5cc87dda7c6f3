package org.sipcity.sip.container.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.sipcity.sip.container.spec.AddressImpl;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transport.SipConnector;

/**
 * RFC 3261 §16.4 / JSR 289 §15.5: a request that arrives with a top Route naming this server (an outbound proxy
 * routed it here) has that Route removed before the application sees it; the application reads it as the popped
 * route.
 */
final class LocalRoutes {

    private LocalRoutes() {
    }

    static void popIfOurs(SipServletRequestImpl request, SipStack stack, String advertisedHost) {
        SipRequest message = request.stackMessage();
        String top = message.getHeader(HeaderName.ROUTE);
        if (top == null || stack == null) {
            return;
        }
        NameAddress route;
        try {
            route = NameAddress.parse(top);
        } catch (SipParseException e) {
            return;   // not ours to judge; the application sees it as received
        }
        if (route.uri() instanceof SipUri uri && isOurs(uri, stack, advertisedHost)) {
            message.removeFirstHeader(HeaderName.ROUTE);
            request.setPoppedRoute(new AddressImpl(route));
        }
    }

    static boolean isOurs(SipUri uri, SipStack stack, String advertisedHost) {
        return isOurs(uri.host(), uri.port(), stack, advertisedHost);
    }

    /** Whether host and port (-1 for the transport's default) name a connector of ours: a URI's or a Via's sent-by. */
    static boolean isOurs(String hostAsWritten, int portOrNone, SipStack stack, String advertisedHost) {
        String host = hostAsWritten.startsWith("[") ? hostAsWritten.substring(1, hostAsWritten.length() - 1) : hostAsWritten;
        for (SipConnector connector : stack.transports().connectors()) {
            InetSocketAddress local = connector.localAddress();
            int port = portOrNone > 0 ? portOrNone : connector.transport().defaultPort();
            if (port != local.getPort()) {
                continue;
            }
            InetAddress bound = local.getAddress();
            if (bound.isAnyLocalAddress() || host.equalsIgnoreCase(advertisedHost) || bound.getHostAddress().equalsIgnoreCase(host)
                    || io.netty.util.NetUtil.toAddressString(bound).equalsIgnoreCase(host)) {
                return true;
            }
        }
        return false;
    }
}
