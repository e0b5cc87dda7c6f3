package org.sipcity.stack.address;

import java.util.List;

import org.sipcity.stack.parser.SipParseException;

/**
 * One via-parm of a Via header field (RFC 3261 §20.42, grammar §25.1), with the RFC 3581 {@code rport}
 * parameter. Immutable; {@link #withParameter} gives a changed copy (received, rport set by a server).
 *
 * <pre>
 * via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * sent-by       = host [ COLON port ]
 * via-params    = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension
 * response-port = "rport" [ EQUAL 1*DIGIT ]                                   (RFC 3581 §3)
 * </pre>
 */
public final class Via {

    /** RFC 3261 §8.1.1.7: branches of RFC 3261 clients start with this cookie. */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    private final String protocolName;
    private final String protocolVersion;
    private final String transport;
    private final String host;
    private final int port;
    private final Parameters parameters;
    private String text;

    private Via(String protocolName, String protocolVersion, String transport, String host, int port,
                Parameters parameters) {
        this.protocolName = protocolName;
        this.protocolVersion = protocolVersion;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.parameters = parameters;
    }

    /** A Via for SIP/2.0 over {@code transport} with the given branch. */
    public static Via of(String transport, String host, int port, String branch) {
        if (!SipChars.isToken(transport) || !SipChars.isToken(branch)) {
            throw new IllegalArgumentException("Transport and branch must be tokens");
        }
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        Parameters params = new Parameters();
        params.append("branch", branch);
        return new Via("SIP", "2.0", transport, h, port, params.readOnly());
    }

    /** Parses exactly one via-parm. */
    public static Via parse(String s) throws SipParseException {
        return TextCursor.whole(s, "Via", Via::parse);
    }

    /** Parses a Via field value holding one or more comma-separated via-parms. */
    public static List<Via> parseAll(String s) throws SipParseException {
        return TextCursor.list(s, "Via", Via::parse);
    }

    /**
     * As {@link #parseAll(String)} over {@code s[start, end)}, for the parser reading a received, unfolded
     * ASCII value where it lies ({@link WireText}); offsets in the exception are those of {@code s}.
     */
    public static List<Via> parseAll(CharSequence s, int start, int end) throws SipParseException {
        return TextCursor.list(s, start, end, "Via", Via::parse);
    }

    private static Via parse(TextCursor c) throws SipParseException {
        c.skipWs();
        String name = c.token();
        if (!c.trySeparator('/')) {
            throw c.fail();
        }
        String version = c.token();
        if (!c.trySeparator('/')) {
            throw c.fail();
        }
        String transport = c.token();
        int beforeWs = c.pos;
        c.skipWs();
        if (c.pos == beforeWs) {
            throw c.fail();
        }
        String host = Hosts.parseHost(c);
        int port = -1;
        if (c.trySeparator(':')) {
            port = Hosts.parsePort(c);
        }
        int paramsStart = c.pos;
        Parameters params = Parameters.parseGeneric(c, true);
        validate(params, c, paramsStart);
        return new Via(name, version, transport, host, port, params);
    }

    private static void validate(Parameters params, TextCursor c, int offset) throws SipParseException {
        for (int i = 0; i < params.size(); i++) {
            String name = params.nameAt(i);
            String value = params.valueAt(i);
            boolean valid = switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "branch" -> value != null && SipChars.isToken(value);
                case "received" -> value != null && (Hosts.isIpv4(value, 0, value.length())
                        || Hosts.isIpv6(value, 0, value.length())
                        || value.startsWith("[") && value.endsWith("]") && Hosts.isIpv6(value, 1, value.length() - 1));
                case "rport" -> value == null || isNumber(value, 65535);
                case "ttl" -> value != null && value.length() <= 3 && isNumber(value, 255);
                case "maddr" -> value != null && (value.startsWith("[") || Hosts.isHostnameOrIpv4(value, 0, value.length()));
                default -> true;
            };
            if (!valid) {
                throw SipParseException.badRequest("Invalid Via parameter " + name, offset);
            }
        }
    }

    private static boolean isNumber(String s, int max) {
        if (s.isEmpty() || s.length() > 5) {
            return false;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
            v = v * 10 + ch - '0';
        }
        return v <= max;
    }

    /** "SIP" for every message of RFC 3261. */
    public String protocolName() {
        return protocolName;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    /** The transport as written (UDP, TCP, TLS, SCTP, WS...); compare case-insensitively. */
    public String transport() {
        return transport;
    }

    /** The sent-by host as written; an IPv6 reference keeps its brackets. */
    public String host() {
        return host;
    }

    /** The sent-by port, or -1 when absent. */
    public int port() {
        return port;
    }

    public String branch() {
        return parameters.get("branch");
    }

    /** True when the branch starts with the RFC 3261 magic cookie (§17.2.3 transaction matching). */
    public boolean hasRfc3261Branch() {
        String b = branch();
        return b != null && b.startsWith(MAGIC_COOKIE);
    }

    public String received() {
        return parameters.get("received");
    }

    /** RFC 3581: whether the rport parameter is present, with or without a value. */
    public boolean hasRport() {
        return parameters.has("rport");
    }

    /** RFC 3581: the rport value, or -1 when absent or a bare flag. */
    public int rport() {
        String v = parameters.get("rport");
        return v == null ? -1 : Integer.parseInt(v);
    }

    public String maddr() {
        return parameters.get("maddr");
    }

    /** The ttl parameter, or -1 when absent. */
    public int ttl() {
        String v = parameters.get("ttl");
        return v == null ? -1 : Integer.parseInt(v);
    }

    /** Every parameter in order, read-only. */
    public Parameters parameters() {
        return parameters;
    }

    /** A copy with the parameter set (null for a flag), e.g. received and rport (RFC 3261 §18.2.1, RFC 3581 §4). */
    public Via withParameter(String name, String value) {
        Parameters copy = parameters.copy().set(name, value);
        return new Via(protocolName, protocolVersion, transport, host, port, copy.readOnly());
    }

    /** As two {@link #withParameter} calls, with one copy of the parameters and one Via (the received/rport stamp). */
    public Via withParameters(String name, String value, String otherName, String otherValue) {
        Parameters copy = parameters.copy().set(name, value).set(otherName, otherValue);
        return new Via(protocolName, protocolVersion, transport, host, port, copy.readOnly());
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder(64).append(protocolName).append('/').append(protocolVersion)
                    .append('/').append(transport).append(' ').append(host);
            if (port >= 0) {
                sb.append(':').append(port);
            }
            parameters.appendTo(sb);
            text = t = sb.toString();
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Via other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
