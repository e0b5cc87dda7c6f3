package org.sipcity.registrar.location;

import java.util.Objects;

/**
 * The transport flow a binding was registered over, in the text form the registrar stores
 * ({@code FlowAddress.token()}: {@code tcp:192.0.2.10:40312>198.51.100.1:5060}), as a binding keeps it in memory.
 * <p>
 * One is held per registered flow, so the common form, UDP, TCP or TLS between two IPv4 addresses, is kept as two
 * longs (32 bytes instead of about 80 as text) and written back character for character by {@link #text()}; any
 * other value (IPv6, another transport, a text not in the canonical form) is kept as its text.
 */
public final class FlowToken {

    private static final String[] TRANSPORTS = {"udp", "tcp", "tls"};
    /** The connection-oriented transports a token may name besides the compact ones (RFC 7118, RFC 4168). */
    private static final String[] OTHER_CONNECTIONS = {"ws:", "wss:", "sctp:", "tls-sctp:"};

    /** Transport index in bits 48-49, IPv4 address in bits 16-47, port in bits 0-15; local side without transport. */
    private final long remote;
    private final long local;
    /** The value when it is not in the compact form, else {@code null}. */
    private final String text;

    private FlowToken(long remote, long local, String text) {
        this.remote = remote;
        this.local = local;
        this.text = text;
    }

    /** A stored flow token; {@code null} for {@code null}. */
    public static FlowToken of(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.indexOf(':');
        int arrow = text.indexOf('>');
        int transport = colon < 0 ? -1 : transportIndex(text.substring(0, colon));
        if (transport < 0 || arrow < colon) {
            return new FlowToken(0, 0, text);
        }
        long remote = endpoint(text, colon + 1, arrow);
        long local = endpoint(text, arrow + 1, text.length());
        if (remote < 0 || local < 0) {
            return new FlowToken(0, 0, text);
        }
        return new FlowToken((long) transport << 48 | remote, local, null);
    }

    private static int transportIndex(String transport) {
        for (int i = 0; i < TRANSPORTS.length; i++) {
            if (TRANSPORTS[i].equals(transport)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code a.b.c.d:port} between {@code from} and {@code to} as address << 16 | port, or -1 unless every number is
     * written the one way {@link #text()} writes it (decimal, no leading zero, in range).
     */
    private static long endpoint(String text, int from, int to) {
        long address = 0;
        int at = from;
        for (int part = 0; part < 5; part++) {
            int end = at;
            while (end < to && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                end++;
            }
            int digits = end - at;
            if (digits == 0 || digits > 5 || (digits > 1 && text.charAt(at) == '0')) {
                return -1;
            }
            int value = Integer.parseInt(text, at, end, 10);
            if (part < 4) {
                if (value > 255 || end >= to || text.charAt(end) != (part < 3 ? '.' : ':')) {
                    return -1;
                }
                address = address << 8 | value;
            } else {
                if (value > 65535 || end != to) {
                    return -1;
                }
                return address << 16 | value;
            }
            at = end + 1;
        }
        return -1;
    }

    /** The token as stored. */
    public String text() {
        if (text != null) {
            return text;
        }
        StringBuilder out = new StringBuilder(47).append(TRANSPORTS[(int) (remote >>> 48)]).append(':');
        appendEndpoint(out, remote).append('>');
        return appendEndpoint(out, local).toString();
    }

    private static StringBuilder appendEndpoint(StringBuilder out, long endpoint) {
        long address = endpoint >>> 16 & 0xffffffffL;
        return out.append(address >>> 24).append('.').append(address >>> 16 & 0xff).append('.')
                .append(address >>> 8 & 0xff).append('.').append(address & 0xff).append(':').append(endpoint & 0xffff);
    }

    /**
     * Whether the flow is a connection (TCP, TLS, WebSocket, SCTP): it ends with the process that holds its socket, so
     * after a restart no stored value of it can be used, whichever connection it named. A UDP flow (a NAT's mapping)
     * outlives the process.
     */
    public boolean isConnection() {
        if (text == null) {
            return remote >>> 48 != 0;   // index 0 is udp
        }
        for (String prefix : OTHER_CONNECTIONS) {
            if (text.startsWith(prefix)) {
                return true;
            }
        }
        return text.startsWith("tcp:") || text.startsWith("tls:");
    }

    /** Whether this token is kept as two longs (for tests of the compact form). */
    boolean isCompact() {
        return text == null;
    }

    @Override
    public boolean equals(Object other) {
        // A text that has the compact form is always kept compact, so equal values have equal representations.
        return other instanceof FlowToken that && remote == that.remote && local == that.local
                && Objects.equals(text, that.text);
    }

    @Override
    public int hashCode() {
        return text != null ? text.hashCode() : Long.hashCode(remote) * 31 + Long.hashCode(local);
    }

    /** The token as stored, as {@link #text()}. */
    @Override
    public String toString() {
        return text();
    }
}
