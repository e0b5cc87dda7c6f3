package org.sipcity.registrar.registration;

import java.util.Objects;

/**
 * The transport flow a request arrived on (RFC 5626 §5.2): transport, remote and local address. Requests for a
 * binding with an outbound flow must be sent back over exactly this flow.
 *
 * @param transport  "udp", "tcp", "tls" (lower case)
 * @param remoteHost the peer's IP address as text
 * @param remotePort the peer's port
 * @param localHost  our IP address the request arrived on
 * @param localPort  our port
 */
public record FlowAddress(String transport, String remoteHost, int remotePort, String localHost, int localPort) {

    public FlowAddress {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(remoteHost, "remoteHost");
        Objects.requireNonNull(localHost, "localHost");
    }

    /** A stable text form, stored with the binding: {@code tcp:192.0.2.1:5060>198.51.100.2:5060}. */
    public String token() {
        return transport + ':' + remoteHost + ':' + remotePort + '>' + localHost + ':' + localPort;
    }

    /** The inverse of {@link #token()}; {@code null} for a text that is not a token. */
    public static FlowAddress parse(String token) {
        if (token == null) {
            return null;
        }
        int colon = token.indexOf(':');
        int arrow = token.indexOf('>');
        if (colon < 0 || arrow < colon) {
            return null;
        }
        try {
            String remote = token.substring(colon + 1, arrow);
            String local = token.substring(arrow + 1);
            int rp = remote.lastIndexOf(':');
            int lp = local.lastIndexOf(':');
            return new FlowAddress(token.substring(0, colon), remote.substring(0, rp),
                    Integer.parseInt(remote.substring(rp + 1)), local.substring(0, lp),
                    Integer.parseInt(local.substring(lp + 1)));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
