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
 *
 * <p>Only the server stamps: a {@code received} or an {@code rport} value that arrived in the top Via is the
 * sender's claim, and responses over UDP go where they say (§18.2.2). Left alone beside a sent-by that matches
 * the source, a forged {@code received=} would make this server send its responses to a third host (a
 * reflection), so such a claim is overwritten with the packet's source, as a missing one is added.
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
        // A bare rport is filled; one the sender filled itself is corrected to the real source port.
        boolean fillRport = top.hasRport() && top.rport() != source.getPort();
        String claimed = top.received();
        boolean needsReceived = fillRport || !sameAddress(top.host(), sourceIp)
                || claimed != null && !sameAddress(claimed, sourceIp);
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
