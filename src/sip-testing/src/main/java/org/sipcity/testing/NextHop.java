package org.sipcity.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.transport.TransportType;

/**
 * Where a request goes, read from a SIP URI: RFC 3263 §4 without DNS SRV/NAPTR (a test client talks to hosts it
 * was given): {@code maddr} or host, the port or the transport's default, the {@code transport} parameter, else TLS
 * for {@code sips:}, else the caller's choice.
 */
record NextHop(TransportType transport, InetSocketAddress address) {

    static NextHop of(Uri uri, TransportType preferred) {
        if (!(uri instanceof SipUri sip)) {
            throw new IllegalArgumentException("Cannot send to a non-SIP URI without an explicit target: " + uri);
        }
        TransportType transport = preferred;
        if (sip.transportParam() != null) {
            transport = TransportType.fromToken(sip.transportParam());
            if (transport == null) {
                throw new IllegalArgumentException("Unsupported transport '" + sip.transportParam() + "' in " + uri);
            }
        } else if (sip.isSecure()) {
            transport = TransportType.TLS;
        }
        String host = sip.maddr() != null ? sip.maddr() : sip.host();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = sip.port() > 0 ? sip.port() : transport.defaultPort();
        try {
            return new NextHop(transport, new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Cannot resolve the host of " + uri, e);
        }
    }
}
