package org.sipcity.stack.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which flows an operator means by a remote address: an IP address, optionally with a port and a transport. Read
 * from the forms an operator or another management operation writes:
 *
 * <ul>
 *   <li>{@code 192.0.2.1}, {@code 2001:db8::1}, {@code [2001:db8::1]}: every flow from that address;</li>
 *   <li>{@code 192.0.2.1:5060}, {@code [2001:db8::1]:5060}: the flows of that address and port;</li>
 *   <li>{@code tcp:192.0.2.1:5060} and the registrar's flow token {@code tcp:192.0.2.1:5060>198.51.100.2:5060}
 *       (transport, remote address and port; the local part after {@code >} names our side and is ignored, as
 *       the connector the operation addresses is that side); with a transport prefix an IPv6 address may stand
 *       unbracketed, its last colon then separating the port.</li>
 * </ul>
 *
 * Only IP literals are accepted: a management operation never waits for DNS.
 *
 * @param transport {@code null}: any transport
 * @param host      the remote IP address
 * @param port      0: any port
 */
public record RemoteFlowAddress(TransportType transport, InetAddress host, int port) {

    /** @throws IllegalArgumentException naming the text and what is wrong with it */
    public static RemoteFlowAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a remote address is required");
        }
        String rest = text.strip();
        int arrow = rest.indexOf('>');
        if (arrow >= 0) {
            rest = rest.substring(0, arrow);
        }
        TransportType transport = null;
        int colon = rest.indexOf(':');
        if (colon > 0 && isTransportName(rest.substring(0, colon))) {
            transport = TransportType.valueOf(rest.substring(0, colon).toUpperCase(Locale.ROOT));
            rest = rest.substring(colon + 1);
            if (!rest.startsWith("[") && rest.indexOf(':') != rest.lastIndexOf(':')) {
                // transport:v6:port, as the registrar's token writes IPv6 addresses without brackets
                int last = rest.lastIndexOf(':');
                return new RemoteFlowAddress(transport, ip(rest.substring(0, last), text), port(rest.substring(last + 1), text));
            }
        }
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': '[' without ']'");
            }
            InetAddress host = ip(rest.substring(1, close), text);
            String after = rest.substring(close + 1);
            if (after.isEmpty()) {
                return new RemoteFlowAddress(transport, host, 0);
            }
            if (!after.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "': expected ':port' after ']'");
            }
            return new RemoteFlowAddress(transport, host, port(after.substring(1), text));
        }
        int first = rest.indexOf(':');
        if (first >= 0 && first == rest.lastIndexOf(':')) {
            return new RemoteFlowAddress(transport, ip(rest.substring(0, first), text), port(rest.substring(first + 1), text));
        }
        return new RemoteFlowAddress(transport, ip(rest, text), 0); // IPv4 alone, or IPv6 alone
    }

    /** Whether {@code flow} is one this address names. */
    public boolean matches(Flow flow) {
        if (transport != null && flow.transport() != transport) {
            return false;
        }
        return matches(flow.remoteAddress());
    }

    /** Whether {@code remote} is this address (and port, if one was given). */
    public boolean matches(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return false;
        }
        return (port == 0 || remote.getPort() == port) && sameHost(remote.getAddress());
    }

    /** IPv4 and its IPv4-mapped IPv6 form are the same peer (a dual-stack socket reports the latter). */
    private boolean sameHost(InetAddress other) {
        if (host.equals(other)) {
            return true;
        }
        byte[] a = host.getAddress();
        byte[] b = other.getAddress();
        return a.length != b.length && java.util.Arrays.equals(v4(a), v4(b));
    }

    private static byte[] v4(byte[] address) {
        if (address.length == 4) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff
                ? java.util.Arrays.copyOfRange(address, 12, 16) : address;
    }

    @Override
    public String toString() {
        String ip = NetUtil.toAddressString(host);
        String h = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        return (transport == null ? "" : transport.name().toLowerCase(Locale.ROOT) + ":") + h + (port == 0 ? "" : ":" + port);
    }

    private static boolean isTransportName(String s) {
        return s.equalsIgnoreCase("udp") || s.equalsIgnoreCase("tcp") || s.equalsIgnoreCase("tls");
    }

    private static InetAddress ip(String s, String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "': '" + s + "' is not an IP address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    private static int port(String s, String text) {
        try {
            int port = Integer.parseInt(s);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': '" + s + "' is not a port (1 to 65535)");
        }
    }
}
