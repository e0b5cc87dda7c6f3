package org.sipcity.stack.message;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.sipcity.stack.address.SipChars;
import org.sipcity.stack.parser.SipParseException;

/** Turning received value bytes into text, and the small value grammars the message checks itself. */
public final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * The text of bytes [from, to): unfolded (RFC 3261 §7.3.1: "[*WSP CRLF] 1*WSP" is replaced by one SP), read
     * as ISO-8859-1 when all ASCII (the fast path of compact strings) and as UTF-8 otherwise.
     */
    public static String text(byte[] b, int from, int to) {
        boolean ascii = true;
        boolean folded = false;
        for (int i = from; i < to; i++) {
            byte x = b[i];
            if (x < 0) {
                ascii = false;
            } else if (x == '\r' || x == '\n') {
                folded = true;
            }
        }
        if (!folded) {
            return new String(b, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte x = b[i];
            if (x == '\r' || x == '\n') {
                while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t')) {
                    n--;
                }
                while (i + 1 < to && (b[i + 1] == '\r' || b[i + 1] == '\n' || b[i + 1] == ' ' || b[i + 1] == '\t')) {
                    i++;
                }
                out[n++] = ' ';
            } else {
                out[n++] = x;
            }
        }
        return new String(out, 0, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /**
     * The index of the next comma at or after {@code from} that separates list elements: outside quoted
     * strings and outside angle brackets (a URI such as {@code <sip:a,b@host>} may hold commas), or -1.
     */
    public static int nextTopLevelComma(String v, int from) {
        return nextTopLevel(v, from, ',');
    }

    /**
     * The index of the next {@code separator} at or after {@code from} outside quoted strings (with their
     * backslash escapes) and outside angle brackets, or -1: list commas, and the semicolons before header
     * parameters ({@code <sip:a;lr>;tag=1}).
     */
    public static int nextTopLevel(String v, int from, char separator) {
        boolean quoted = false;
        boolean angle = false;
        for (int i = from; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle = true;
            } else if (c == '>') {
                angle = false;
            } else if (c == separator && !angle) {
                return i;
            }
        }
        return -1;
    }

    /** Adds the trimmed, non-empty comma-separated elements of {@code v} to {@code out}. */
    public static void split(String v, List<String> out) {
        int start = 0;
        while (true) {
            int comma = nextTopLevelComma(v, start);
            String element = (comma < 0 ? v.substring(start) : v.substring(start, comma)).trim();
            if (!element.isEmpty()) {
                out.add(element);
            }
            if (comma < 0) {
                return;
            }
            start = comma + 1;
        }
    }

    /** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
    public static void checkCallId(String v) throws SipParseException {
        checkCallId(v, 0, v.length());
    }

    /**
     * As {@link #checkCallId(String)} over {@code v[start, end)} (the parser reads it in the received bytes, see
     * {@link org.sipcity.stack.address.WireText}); offsets in the exception count from {@code start}.
     */
    public static void checkCallId(CharSequence v, int start, int end) throws SipParseException {
        int at = -1;
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            if (c == '@' && at < 0 && i > start) {
                at = i;
            } else if (!SipChars.isWordChar(c)) {
                throw SipParseException.badRequest("Invalid Call-ID", i - start);
            }
        }
        if (end == start || at == end - 1) {
            throw SipParseException.badRequest("Invalid Call-ID", end - start);
        }
    }

    /** Max-Forwards = 1*DIGIT, an integer in the range 0-255 (RFC 3261 §20.22). */
    public static int parseMaxForwards(String v) throws SipParseException {
        return parseMaxForwards(v, 0, v.length());
    }

    /** As {@link #parseMaxForwards(String)} over {@code v[start, end)}; offsets count from {@code start}. */
    public static int parseMaxForwards(CharSequence v, int start, int end) throws SipParseException {
        int value = 0;
        if (end == start) {
            throw SipParseException.badRequest("Invalid Max-Forwards", 0);
        }
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw SipParseException.badRequest("Invalid Max-Forwards", i - start);
            }
            value = value * 10 + (c - '0');
            if (value > 255) {
                throw SipParseException.badRequest("Invalid Max-Forwards", i - start);
            }
        }
        return value;
    }
}
