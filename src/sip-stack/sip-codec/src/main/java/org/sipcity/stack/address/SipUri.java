package org.sipcity.stack.address;

import java.util.Objects;

import org.sipcity.stack.parser.SipParseException;

/**
 * A sip: or sips: URI (RFC 3261 §19.1, grammar §25.1). Immutable; components are held unescaped and
 * escaped again where the grammar needs it on output.
 *
 * <pre>
 * SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
 * userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 * hostport = host [ ":" port ]          host = hostname / IPv4address / IPv6reference
 * uri-parameters = *( ";" uri-parameter )   headers = "?" header *( "&amp;" header )
 * </pre>
 */
public final class SipUri extends Uri {

    private static final int USER_CHARS = SipChars.UNRESERVED | SipChars.USER_UNRESERVED;
    private static final int PASSWORD_CHARS = SipChars.UNRESERVED | SipChars.PASSWORD_UNRESERVED;
    private static final int PARAM_CHARS = SipChars.UNRESERVED | SipChars.PARAM_UNRESERVED;
    private static final int HEADER_CHARS = SipChars.UNRESERVED | SipChars.HNV_UNRESERVED;

    private final boolean secure;
    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final Parameters parameters;
    private final Parameters headers;
    private String text;

    private SipUri(boolean secure, String user, String password, String host, int port,
                   Parameters parameters, Parameters headers) {
        this.secure = secure;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.parameters = parameters;
        this.headers = headers;
    }

    public static SipUri parse(String s) throws SipParseException {
        return parse(s, 0, s.length());
    }

    /** Parses s[start, end); offsets in a thrown exception count from the start of {@code s}. */
    static SipUri parse(String s, int start, int end) throws SipParseException {
        boolean secure;
        int pos;
        if (end - start > 4 && s.regionMatches(true, start, "sip:", 0, 4)) {
            secure = false;
            pos = start + 4;
        } else if (end - start > 5 && s.regionMatches(true, start, "sips:", 0, 5)) {
            secure = true;
            pos = start + 5;
        } else {
            throw SipParseException.badRequest("Invalid SIP URI", start);
        }
        String user = null;
        String password = null;
        int at = s.indexOf('@', pos);
        if (at >= 0 && at < end) {
            int colon = s.indexOf(':', pos);
            int userEnd = colon >= 0 && colon < at ? colon : at;
            if (userEnd == pos) {
                throw SipParseException.badRequest("Invalid SIP URI user", pos);
            }
            user = UriEscapes.decode(s, pos, userEnd, USER_CHARS, "SIP URI user");
            if (userEnd < at) {
                password = UriEscapes.decode(s, userEnd + 1, at, PASSWORD_CHARS, "SIP URI password");
            }
            pos = at + 1;
        }
        TextCursor c = new TextCursor(s, pos, end, "SIP URI host");
        String host = Hosts.parseHost(c);
        int port = -1;
        if (c.tryConsume(':')) {
            port = Hosts.parsePort(c);
        }
        Parameters params = Parameters.empty();
        if (c.peek() == ';') {
            params = new Parameters();
            while (c.tryConsume(';')) {
                int nameStart = c.pos;
                int nameEnd = scan(c, PARAM_CHARS);
                if (nameEnd == nameStart) {
                    throw SipParseException.badRequest("Invalid SIP URI parameter", nameStart);
                }
                String name = UriEscapes.decode(s, nameStart, nameEnd, PARAM_CHARS, "SIP URI parameter");
                String value = null;
                if (c.tryConsume('=')) {
                    int valueStart = c.pos;
                    int valueEnd = scan(c, PARAM_CHARS);
                    if (valueEnd == valueStart) {
                        throw SipParseException.badRequest("Invalid SIP URI parameter", valueStart);
                    }
                    value = UriEscapes.decode(s, valueStart, valueEnd, PARAM_CHARS, "SIP URI parameter");
                }
                params.append(name, value);
            }
            params = params.readOnly();
        }
        Parameters headers = Parameters.empty();
        if (c.tryConsume('?')) {
            headers = new Parameters();
            do {
                int nameStart = c.pos;
                int nameEnd = scan(c, HEADER_CHARS);
                if (nameEnd == nameStart || !c.tryConsume('=')) {
                    throw SipParseException.badRequest("Invalid SIP URI header", c.pos);
                }
                int valueStart = c.pos;
                int valueEnd = scan(c, HEADER_CHARS);
                headers.append(UriEscapes.decode(s, nameStart, nameEnd, HEADER_CHARS, "SIP URI header"),
                        UriEscapes.decode(s, valueStart, valueEnd, HEADER_CHARS, "SIP URI header"));
            } while (c.tryConsume('&'));
            headers = headers.readOnly();
        }
        if (!c.atEnd()) {
            throw SipParseException.badRequest("Invalid SIP URI", c.pos);
        }
        return new SipUri(secure, user, password, host, port, params, headers);
    }

    /** Advances over allowed characters and %-escapes (checked later by the decoder); returns the end. */
    private static int scan(TextCursor c, int allowed) {
        while (c.pos < c.end) {
            char ch = c.text.charAt(c.pos);
            if (ch != '%' && !SipChars.is(ch, allowed)) {
                break;
            }
            c.pos++;
        }
        return c.pos;
    }

    @Override
    public String scheme() {
        return secure ? "sips" : "sip";
    }

    public boolean isSecure() {
        return secure;
    }

    /** The user part, unescaped; null when absent. */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The host as written; an IPv6 reference keeps its brackets ("[2001:db8::1]"). */
    public String host() {
        return host;
    }

    /** The port, or -1 when absent. */
    public int port() {
        return port;
    }

    /** URI parameters, values unescaped; read-only. */
    public Parameters parameters() {
        return parameters;
    }

    /** URI headers ({@code ?name=value}), values unescaped; read-only. */
    public Parameters headers() {
        return headers;
    }

    public String transportParam() {
        return parameters.get("transport");
    }

    /** RFC 3261 §19.1.1: the loose-routing flag. */
    public boolean lr() {
        return parameters.has("lr");
    }

    public String maddr() {
        return parameters.get("maddr");
    }

    public String userParam() {
        return parameters.get("user");
    }

    /**
     * RFC 3261 §19.1.4 comparison: same scheme; user and password equal after unescaping (case-sensitive);
     * host case-insensitive; ports equal (absent differs from an explicit default port); the parameters
     * user, ttl, method, maddr and transport present in both or neither; any parameter present in both with
     * equal values (case-insensitive); every URI header present in both with equal values.
     */
    public boolean equivalentTo(SipUri other) {
        if (other == null || secure != other.secure || port != other.port
                || !Objects.equals(user, other.user) || !Objects.equals(password, other.password)
                || !host.equalsIgnoreCase(other.host)) {
            return false;
        }
        for (String special : new String[] {"user", "ttl", "method", "maddr", "transport"}) {
            if (parameters.has(special) != other.parameters.has(special)) {
                return false;
            }
        }
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.nameAt(i);
            if (other.parameters.has(name)) {
                String a = parameters.valueAt(i);
                String b = other.parameters.get(name);
                if (a == null ? b != null : !a.equalsIgnoreCase(b)) {
                    return false;
                }
            }
        }
        if (headers.size() != other.headers.size()) {
            return false;
        }
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.nameAt(i);
            if (!other.headers.has(name) || !Objects.equals(headers.valueAt(i), other.headers.get(name))) {
                return false;
            }
        }
        return true;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.secure = secure;
        b.user = user;
        b.password = password;
        b.host = host;
        b.port = port;
        b.parameters = parameters.copy();
        b.headers = headers.copy();
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder(64);
            appendTo(sb);
            text = t = sb.toString();
        }
        return t;
    }

    /** Writes the canonical text, escaping what each component's grammar does not allow. */
    public void appendTo(StringBuilder sb) {
        sb.append(secure ? "sips:" : "sip:");
        if (user != null) {
            UriEscapes.encode(sb, user, USER_CHARS);
            if (password != null) {
                sb.append(':');
                UriEscapes.encode(sb, password, PASSWORD_CHARS);
            }
            sb.append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        for (int i = 0; i < parameters.size(); i++) {
            sb.append(';');
            UriEscapes.encode(sb, parameters.nameAt(i), PARAM_CHARS);
            String v = parameters.valueAt(i);
            if (v != null) {
                sb.append('=');
                UriEscapes.encode(sb, v, PARAM_CHARS);
            }
        }
        for (int i = 0; i < headers.size(); i++) {
            sb.append(i == 0 ? '?' : '&');
            UriEscapes.encode(sb, headers.nameAt(i), HEADER_CHARS);
            sb.append('=');
            UriEscapes.encode(sb, headers.valueAt(i), HEADER_CHARS);
        }
    }

    /** Equal canonical text (case-sensitive); use {@link #equivalentTo} for the RFC 3261 comparison. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SipUri other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Builds a {@link SipUri}; the host is checked by {@link #build()}. */
    public static final class Builder {
        private boolean secure;
        private String user;
        private String password;
        private String host;
        private int port = -1;
        private Parameters parameters = new Parameters();
        private Parameters headers = new Parameters();

        private Builder() {
        }

        public Builder secure(boolean value) {
            this.secure = value;
            return this;
        }

        public Builder user(String value) {
            this.user = value == null || value.isEmpty() ? null : value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** A hostname, an IPv4 address, or an IPv6 address with or without brackets. */
        public Builder host(String value) {
            this.host = value != null && value.indexOf(':') >= 0 && !value.startsWith("[") ? "[" + value + "]" : value;
            return this;
        }

        /** The port, or -1 for none. */
        public Builder port(int value) {
            if (value < -1 || value > 65535) {
                throw new IllegalArgumentException("Port out of range: " + value);
            }
            this.port = value;
            return this;
        }

        /** Sets a URI parameter (unescaped value; null for a flag such as lr). */
        public Builder parameter(String name, String value) {
            parameters.set(name, value);
            return this;
        }

        public Builder removeParameter(String name) {
            parameters.remove(name);
            return this;
        }

        public Builder header(String name, String value) {
            headers.set(name, value == null ? "" : value);
            return this;
        }

        public Builder removeHeaders() {
            headers = new Parameters();
            return this;
        }

        /** @throws IllegalArgumentException when the host is missing or not a host */
        public SipUri build() {
            if (host == null) {
                throw new IllegalArgumentException("A SIP URI needs a host");
            }
            boolean valid = host.startsWith("[") && host.endsWith("]")
                    ? Hosts.isIpv6(host, 1, host.length() - 1)
                    : Hosts.isHostnameOrIpv4(host, 0, host.length());
            if (!valid) {
                throw new IllegalArgumentException("Not a host: " + host);
            }
            return new SipUri(secure, user, password, host, port, parameters.copy().readOnly(),
                    headers.copy().readOnly());
        }
    }
}
