package org.sipcity.stack.address;

/**
 * A fast check, over the received bytes, for the plain shapes nearly every Request-URI, From and To has:
 * {@code sip:user@host:port;param=value} and {@code "Display" <sip:...>;tag=token}. It accepts a strict subset
 * of what {@link SipUri#parse} and {@link NameAddress#parse} accept (no escapes, password, IPv6 reference, URI
 * headers, quoted pairs, white space around separators, UTF-8 or folded lines), so a value it accepts is known
 * to parse: the parser checks it here without building anything and leaves the parse to the first read, as
 * Kamailio parses From and To only when a module asks. A value it refuses is not wrong; the parser then runs
 * the full grammar at once, which finds the fault and its offset.
 */
public final class PlainAddresses {

    private static final int USER_CHARS = SipChars.UNRESERVED;
    private static final int PARAM_CHARS = SipChars.UNRESERVED | SipChars.PARAM_UNRESERVED;

    private PlainAddresses() {
    }

    /** Whether {@code s[start, end)} is a plain sip: or sips: URI (which then parses). */
    public static boolean isPlainSipUri(CharSequence s, int start, int end) {
        int p = afterScheme(s, start, end);
        if (p < 0) {
            return false;
        }
        int userEnd = p;
        while (userEnd < end && (SipChars.is(s.charAt(userEnd), USER_CHARS) || s.charAt(userEnd) == '+')) {
            userEnd++; // '+' starts every E.164 user part (RFC 3966 global numbers)
        }
        if (userEnd > p && userEnd < end && s.charAt(userEnd) == '@') {
            p = userEnd + 1;
        }
        int hostEnd = p;
        while (hostEnd < end && (SipChars.isAlphanum(s.charAt(hostEnd)) || s.charAt(hostEnd) == '-'
                || s.charAt(hostEnd) == '.')) {
            hostEnd++;
        }
        if (!Hosts.isHostnameOrIpv4(s, p, hostEnd)) {
            return false;
        }
        p = hostEnd;
        if (p < end && s.charAt(p) == ':') {
            int portEnd = scanDigits(s, p + 1, end);
            if (portEnd == p + 1 || portEnd - p - 1 > 5 || portValue(s, p + 1, portEnd) > 65535) {
                return false;
            }
            p = portEnd;
        }
        while (p < end && s.charAt(p) == ';') {
            int nameEnd = scan(s, p + 1, end, PARAM_CHARS);
            if (nameEnd == p + 1) {
                return false;
            }
            p = nameEnd;
            if (p < end && s.charAt(p) == '=') {
                int valueEnd = scan(s, p + 1, end, PARAM_CHARS);
                if (valueEnd == p + 1) {
                    return false;
                }
                p = valueEnd;
            }
        }
        return p == end;
    }

    /**
     * Whether {@code s[start, end)} is a plain name-addr: an optional display name (tokens, or a quoted string
     * without quoted pairs), a plain SIP URI in angle brackets, and {@code ;token[=token]} header parameters.
     */
    public static boolean isPlainNameAddress(CharSequence s, int start, int end) {
        int p = afterDisplayName(s, start, end);
        if (p < 0 || p >= end || s.charAt(p) != '<') {
            return false;
        }
        int close = p + 1;
        while (close < end && s.charAt(close) != '>') {
            close++;
        }
        if (close == end || !isPlainSipUri(s, p + 1, close)) {
            return false;
        }
        p = close + 1;
        while (p < end && s.charAt(p) == ';') {
            int nameEnd = scan(s, p + 1, end, SipChars.TOKEN);
            if (nameEnd == p + 1) {
                return false;
            }
            p = nameEnd;
            if (p < end && s.charAt(p) == '=') {
                int valueEnd = scan(s, p + 1, end, SipChars.TOKEN);
                if (valueEnd == p + 1) {
                    return false;
                }
                p = valueEnd;
            }
        }
        return p == end;
    }

    /** The offset after "sip:" or "sips:" (any case), or -1. */
    private static int afterScheme(CharSequence s, int start, int end) {
        if (end - start < 5 || (s.charAt(start) | 0x20) != 's' || (s.charAt(start + 1) | 0x20) != 'i'
                || (s.charAt(start + 2) | 0x20) != 'p') {
            return -1;
        }
        if (s.charAt(start + 3) == ':') {
            return start + 4;
        }
        return end - start > 5 && (s.charAt(start + 3) | 0x20) == 's' && s.charAt(start + 4) == ':' ? start + 5 : -1;
    }

    /** The offset of the '<' after an optional display name and single spaces, or -1 when it is not plain. */
    private static int afterDisplayName(CharSequence s, int start, int end) {
        int p = start;
        if (p < end && s.charAt(p) == '*') {
            // a token, but NameAddress reads a leading '*' as the Contact wildcard
            return -1;
        }
        if (p < end && s.charAt(p) == '"') {
            p++;
            while (p < end && s.charAt(p) != '"') {
                char c = s.charAt(p);
                if (c < 0x20 || c > 0x7E || c == '\\') {
                    return -1;
                }
                p++;
            }
            if (p == end) {
                return -1;
            }
            p++;
        } else {
            while (p < end && SipChars.isTokenChar(s.charAt(p))) {
                p = scan(s, p, end, SipChars.TOKEN);
                if (p < end && s.charAt(p) == ' ') {
                    p++;
                }
            }
        }
        while (p < end && s.charAt(p) == ' ') {
            p++;
        }
        return p;
    }

    /** Advances over characters of the class, no escapes; returns the end. */
    private static int scan(CharSequence s, int p, int end, int allowed) {
        while (p < end && SipChars.is(s.charAt(p), allowed)) {
            p++;
        }
        return p;
    }

    private static int scanDigits(CharSequence s, int p, int end) {
        while (p < end && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            p++;
        }
        return p;
    }

    private static int portValue(CharSequence s, int start, int end) {
        int v = 0;
        for (int i = start; i < end; i++) {
            v = v * 10 + s.charAt(i) - '0';
        }
        return v;
    }
}
