package org.sipcity.stack.address;

import org.sipcity.stack.parser.SipParseException;

/**
 * {@code host = hostname / IPv4address / IPv6reference} and {@code port = 1*DIGIT} (RFC 3261 §25.1), read
 * from a cursor. Hosts are returned as written; an IPv6 reference keeps its brackets.
 */
final class Hosts {

    private Hosts() {
    }

    static String parseHost(TextCursor c) throws SipParseException {
        if (c.peek() == '[') {
            int start = c.pos;
            parseIpv6Reference(c);
            return c.slice(start, c.pos);
        }
        int start = c.pos;
        while (c.pos < c.end) {
            char ch = c.text.charAt(c.pos);
            if (!SipChars.isAlphanum(ch) && ch != '-' && ch != '.') {
                break;
            }
            c.pos++;
        }
        if (!isHostnameOrIpv4(c.text, start, c.pos)) {
            throw c.failAt(start);
        }
        return c.slice(start, c.pos);
    }

    /** Whether text[start, end) is a hostname or an IPv4 address. */
    static boolean isHostnameOrIpv4(CharSequence s, int start, int end) {
        if (start >= end) {
            return false;
        }
        return isIpv4(s, start, end) || isHostname(s, start, end);
    }

    static boolean isIpv4(CharSequence s, int start, int end) {
        int parts = 0;
        int i = start;
        while (i < end) {
            int digits = 0;
            int value = 0;
            while (i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                digits++;
                i++;
                if (digits > 3) {
                    return false;
                }
            }
            if (digits == 0 || value > 255) {
                return false;
            }
            parts++;
            if (i < end) {
                if (s.charAt(i) != '.' || parts == 4) {
                    return false;
                }
                i++;
                if (i == end) {
                    return false;
                }
            }
        }
        return parts == 4;
    }

    /** hostname = *( domainlabel "." ) toplabel [ "." ]; toplabel starts with ALPHA; no '-' at label edges. */
    private static boolean isHostname(CharSequence s, int start, int end) {
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || s.charAt(i) == '.') {
                if (i == labelStart || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                if (i == end) {
                    char first = s.charAt(labelStart);
                    return first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z';
                }
                labelStart = i + 1;
            } else if (!SipChars.isAlphanum(s.charAt(i)) && s.charAt(i) != '-') {
                return false;
            }
        }
        return false;
    }

    /** IPv6reference = "[" IPv6address "]" (RFC 3261 §25.1, RFC 4291 §2.2 text forms). */
    static void parseIpv6Reference(TextCursor c) throws SipParseException {
        int start = c.pos;
        c.expect('[');
        int close = c.indexOf(']', c.pos);
        if (close < 0 || !isIpv6(c.text, c.pos, close)) {
            throw c.failAt(start);
        }
        c.pos = close + 1;
    }

    static boolean isIpv6(CharSequence s, int start, int end) {
        int groups = 0;
        boolean compressed = false;
        int i = start;
        if (end - start >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            compressed = true;
            i += 2;
            if (i == end) {
                return true;
            }
        } else if (i < end && s.charAt(i) == ':') {
            return false;
        }
        while (i < end) {
            int groupStart = i;
            while (i < end && SipChars.hexValue(s.charAt(i)) >= 0) {
                i++;
            }
            if (i < end && s.charAt(i) == '.') {
                // embedded IPv4 as the last 32 bits
                if (!isIpv4(s, groupStart, end)) {
                    return false;
                }
                groups += 2;
                i = end;
                break;
            }
            int len = i - groupStart;
            if (len == 0 || len > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return false;
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    /** port = 1*DIGIT, at most 65535. */
    static int parsePort(TextCursor c) throws SipParseException {
        int start = c.pos;
        int value = 0;
        while (c.pos < c.end && c.text.charAt(c.pos) >= '0' && c.text.charAt(c.pos) <= '9') {
            value = value * 10 + (c.text.charAt(c.pos) - '0');
            c.pos++;
            if (value > 65535) {
                throw c.failAt(start);
            }
        }
        if (c.pos == start) {
            throw c.failAt(start);
        }
        return value;
    }
}
