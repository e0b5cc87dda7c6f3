package org.sipcity.stack.core;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.SipRequest;

/**
 * Stamps the top Via of a received request with where it really came from, so that responses find their
 * way back through NATs.
 *
 * <p>RFC 3261 §18.2.1: "If the host portion of the "sent-by" parameter contains a domain name, or if it
 * contains an IP address that differs from the packet source address, the server MUST add a "received"
 * parameter to that Via header field value." RFC 3581 §4: an {@code rport} without a value is set to the
 * source port, and then "the server MUST insert a "received" parameter containing the source IP address
 * ... even if it is identical to the value of the "sent-by" component."
 */
final class ViaStamps {

    private ViaStamps() {
    }

    /** Rewrites the top Via only when a parameter must be added: most requests from public hosts pass untouched. */
    static void stamp(SipRequest request, InetSocketAddress source) {
        stamp(request, source, NetUtil.toAddressString(source.getAddress()));
    }

    /** As {@link #stamp(SipRequest, InetSocketAddress)} with the source IP already as text ({@code Flow.remoteHostAddress}). */
    static void stamp(SipRequest request, InetSocketAddress source, String sourceIp) {
        Via top = request.getTopVia();
        if (top == null) {
            return;
        }
        boolean fillRport = top.hasRport() && top.rport() < 0;
        boolean needsReceived = fillRport || !sameAddress(top.host(), sourceIp);
        if (!needsReceived) {
            return;
        }
        Via stamped = fillRport
                ? top.withParameters("received", sourceIp, "rport", Integer.toString(source.getPort()))
                : top.withParameter("received", sourceIp);
        request.replaceTopVia(stamped);
    }

    /** Compares an IP literal from a Via (IPv6 possibly in brackets) with a source address; a domain name never matches. */
    private static boolean sameAddress(String viaHost, String sourceIp) {
        String host = viaHost.length() > 1 && viaHost.charAt(0) == '['
                ? viaHost.substring(1, viaHost.length() - 1) : viaHost;
        if (host.equals(sourceIp)) {
            return true;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        byte[] source = NetUtil.createByteArrayFromIpAddressString(sourceIp);
        return literal != null && java.util.Arrays.equals(literal, source);
    }
}
