package org.sipcity.stack.address;

import java.util.ArrayList;
import java.util.List;

import org.sipcity.stack.parser.SipParseException;

/**
 * A position in a header value or URI text, with the small steps every grammar class takes: skip linear
 * white space, read a token, read a quoted string, expect a character. Failures become a 400
 * {@link SipParseException} naming {@code what} is being parsed, with the offset in the text.
 */
final class TextCursor {

    /** A String, or the received bytes themselves ({@link WireText}). */
    final CharSequence text;
    final String what;
    int pos;
    final int end;

    TextCursor(String text, String what) {
        this(text, 0, text.length(), what);
    }

    TextCursor(CharSequence text, int start, int end, String what) {
        this.text = text;
        this.pos = start;
        this.end = end;
        this.what = what;
    }

    /** One grammar element read from a cursor. */
    interface Element<T> {
        T read(TextCursor c) throws SipParseException;
    }

    /** Reads exactly one element from the whole text, white space around it allowed. */
    static <T> T whole(String text, String what, Element<T> element) throws SipParseException {
        TextCursor c = new TextCursor(text, what);
        T result = element.read(c);
        c.expectEnd();
        return result;
    }

    /** Reads {@code element *(COMMA element)} from the whole text (RFC 3261 §7.3.1 combined values). */
    static <T> List<T> list(String text, String what, Element<T> element) throws SipParseException {
        return list(text, 0, text.length(), what, element);
    }

    /** As {@link #list(String, String, Element)} over {@code text[start, end)}; offsets are those of text. */
    static <T> List<T> list(CharSequence text, int start, int end, String what, Element<T> element)
            throws SipParseException {
        TextCursor c = new TextCursor(text, start, end, what);
        List<T> all = new ArrayList<>(2);
        do {
            all.add(element.read(c));
        } while (c.trySeparator(','));
        c.expectEnd();
        return all;
    }

    void expectEnd() throws SipParseException {
        skipWs();
        if (!atEnd()) {
            throw fail();
        }
    }

    boolean atEnd() {
        return pos >= end;
    }

    int peek() {
        return pos < end ? text.charAt(pos) : -1;
    }

    /** Skips SP and HTAB (header values reach us unfolded, so LWS is plain white space here). */
    TextCursor skipWs() {
        while (pos < end) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t') {
                break;
            }
            pos++;
        }
        return this;
    }

    boolean tryConsume(char c) {
        if (pos < end && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c) throws SipParseException {
        if (!tryConsume(c)) {
            throw fail();
        }
    }

    /** SWS c SWS: a separator with optional white space around it (SEMI, EQUAL, SLASH, COLON, COMMA...). */
    boolean trySeparator(char c) {
        int save = pos;
        skipWs();
        if (tryConsume(c)) {
            skipWs();
            return true;
        }
        pos = save;
        return false;
    }

    String token() throws SipParseException {
        int start = pos;
        while (pos < end && SipChars.isTokenChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw fail();
        }
        return CommonTokens.of(text, start, pos);
    }

    /** quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE, returned with its quotes, escapes kept. */
    String quotedString() throws SipParseException {
        int start = pos;
        expect('"');
        while (pos < end) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return slice(start, pos);
            }
            if (c == '\\') {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                if (pos + 1 >= end) {
                    break;
                }
                char q = text.charAt(pos + 1);
                if (q == '\n' || q == '\r' || q > 0x7F) {
                    throw failAt(pos + 1);
                }
                pos += 2;
                continue;
            }
            // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw failAt(pos);
            }
            pos++;
        }
        throw new SipParseException(400, "Bad Request - Unterminated quoted string in " + what,
                "Unterminated quoted string in " + what, start, true, null);
    }

    /** text[start, end) as a new String. */
    String slice(int start, int end) {
        return text.subSequence(start, end).toString();
    }

    /** The first offset of {@code ch} in [from, end), or -1. */
    int indexOf(char ch, int from) {
        if (text instanceof String string) {
            // String.indexOf is an intrinsic; a charAt per character through CharSequence was the largest single
            // cost of parsing a name-addr (the scan for its '>').
            int found = string.indexOf(ch, from);
            return found < end ? found : -1;
        }
        for (int i = from; i < end; i++) {
            if (text.charAt(i) == ch) {
                return i;
            }
        }
        return -1;
    }

    SipParseException fail() {
        return failAt(pos);
    }

    SipParseException failAt(int offset) {
        return SipParseException.badRequest("Invalid " + what, offset);
    }

    /** Removes the quotes and resolves quoted-pairs of a quoted string. */
    static String unquote(String quoted) {
        if (quoted.length() < 2 || quoted.charAt(0) != '"') {
            return quoted;
        }
        StringBuilder sb = null;
        int last = quoted.length() - 1;
        for (int i = 1; i < last; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < last) {
                if (sb == null) {
                    sb = new StringBuilder(quoted.length()).append(quoted, 1, i);
                }
                sb.append(quoted.charAt(++i));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? quoted.substring(1, last) : sb.toString();
    }

    /**
     * Puts {@code s} in quotes, writing '"', '\' and control characters as quoted-pairs (RFC 3261 §25.1
     * {@code quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)}); CR and LF cannot be quoted at all.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("CR and LF cannot appear in a quoted string");
            }
            if (c == '"' || c == '\\' || c < 0x20 && c != '\t' || c == 0x7F) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
