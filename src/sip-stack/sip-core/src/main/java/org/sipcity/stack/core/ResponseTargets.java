package org.sipcity.stack.core;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.transport.TransportType;

/**
 * Where a response goes when it cannot simply follow its request back (RFC 3261 §18.2.2, RFC 3581 §4).
 *
 * <ul>
 *   <li>Reliable transport: over the connection the request came on while it is open; otherwise "to the IP
 *       address in the "received" parameter, using the port in the "sent-by" value, or the default port".</li>
 *   <li>Unreliable transport: to {@code received} and the {@code rport} value when the client asked for rport
 *       (RFC 3581), else {@code received} (or the sent-by host) and the sent-by port.</li>
 * </ul>
 *
 * <p>Only IP literals are used: a sent-by holding a domain name without a {@code received} stamp would need
 * RFC 3263 §5 resolution, which must not run on an event loop; such a target is reported as unknown. The
 * {@code maddr} (multicast) case of §18.2.2 is not supported: such responses go to {@code received} as well.
 */
final class ResponseTargets {

    private ResponseTargets() {
    }

    /** The address to send a response to, or {@code null} when the top Via names no usable IP address. */
    static InetSocketAddress of(Via via, TransportType transport) {
        if (via == null) {
            return null;
        }
        String host = via.received() != null ? via.received() : via.host();
        int port;
        if (!transport.isReliable() && via.rport() > 0) {
            port = via.rport();
        } else {
            port = via.port() > 0 ? via.port() : transport.defaultPort();
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(unbracket(host));
        if (ip == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException impossible) {
            return null; // getByAddress only fails on a wrong array length
        }
    }

    private static String unbracket(String host) {
        return host.length() > 1 && host.charAt(0) == '[' ? host.substring(1, host.length() - 1) : host;
    }
}
