package org.sipcity.stack.address;

import java.util.List;
import java.util.Objects;

import org.sipcity.stack.parser.SipParseException;

/**
 * The value of From, To, Contact, Route, Record-Route, Path, Reply-To...: a URI with an optional display name
 * and header parameters (tag, expires, q, +sip.instance, reg-id), or the Contact wildcard {@code *}.
 * Immutable.
 *
 * <pre>
 * (name-addr / addr-spec) *( SEMI generic-param )
 * name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 * display-name = *(token LWS) / quoted-string
 * </pre>
 *
 * RFC 3261 §20.10: when the URI is not in angle brackets, the parameters after it belong to the header
 * field, not the URI, and a URI holding a comma, question mark or semicolon must be in angle brackets.
 */
public final class NameAddress {

    private static final NameAddress WILDCARD = new NameAddress(null, null, null, Parameters.empty());

    /** The display name as written (quoted string with its quotes, or tokens), or null. */
    private final String displayNameText;
    private final String displayName;
    private final Uri uri;
    private final Parameters parameters;
    private String text;

    private NameAddress(String displayNameText, String displayName, Uri uri, Parameters parameters) {
        this.displayNameText = displayNameText;
        this.displayName = displayName;
        this.uri = uri;
        this.parameters = parameters;
    }

    public static NameAddress of(Uri uri) {
        return new NameAddress(null, null, Objects.requireNonNull(uri, "uri"), Parameters.empty());
    }

    public static NameAddress of(String displayName, Uri uri) {
        Objects.requireNonNull(uri, "uri");
        if (displayName == null || displayName.isEmpty()) {
            return of(uri);
        }
        return new NameAddress(TextCursor.quote(displayName), displayName, uri, Parameters.empty());
    }

    /** The Contact wildcard {@code *} (RFC 3261 §10.2.2). */
    public static NameAddress wildcard() {
        return WILDCARD;
    }

    public static NameAddress parse(String s) throws SipParseException {
        return TextCursor.whole(s, "name-addr", NameAddress::parse);
    }

    /** Parses a comma-separated list (Contact, Route, Record-Route, Path...). */
    public static List<NameAddress> parseAll(String s) throws SipParseException {
        return TextCursor.list(s, "name-addr", NameAddress::parse);
    }

    static NameAddress parse(TextCursor c) throws SipParseException {
        c.skipWs();
        int start = c.pos;
        if (c.peek() == '*') {
            c.pos++;
            int after = c.pos;
            c.skipWs();
            if (c.atEnd() || c.peek() == ',') {
                return WILDCARD;
            }
            c.pos = after;
            throw c.failAt(start);
        }
        String displayText = null;
        if (c.peek() == '"') {
            displayText = c.quotedString();
            c.skipWs();
            if (c.peek() != '<') {
                throw c.fail();
            }
        } else if (c.peek() != '<') {
            // display-name = *(token LWS): read tokens; only a following '<' proves they were a display name
            int lastTokenEnd = -1;
            while (c.pos < c.end && SipChars.isTokenChar(c.text.charAt(c.pos))) {
                c.token();
                lastTokenEnd = c.pos;
                c.skipWs();
            }
            if (c.peek() == '<' && lastTokenEnd > 0) {
                displayText = c.slice(start, lastTokenEnd);
            } else {
                c.pos = start;
                return parseAddrSpec(c);
            }
        }
        c.expect('<');
        int uriStart = c.pos;
        int close = c.indexOf('>', uriStart);
        if (close < 0) {
            throw SipParseException.badRequest("Unterminated <URI>", uriStart);
        }
        Uri uri = parseUri(c.text.toString(), uriStart, close);
        c.pos = close + 1;
        Parameters params = Parameters.parseGeneric(c);
        String display = displayText == null ? null
                : displayText.charAt(0) == '"' ? TextCursor.unquote(displayText) : displayText;
        return new NameAddress(displayText, display, uri, params);
    }

    private static NameAddress parseAddrSpec(TextCursor c) throws SipParseException {
        int uriStart = c.pos;
        while (c.pos < c.end) {
            char ch = c.text.charAt(c.pos);
            if (ch == ';' || ch == ',' || ch == ' ' || ch == '\t') {
                break;
            }
            if (ch == '?') {
                // RFC 3261 §20.10: a URI with headers must be enclosed in "<" and ">"
                throw SipParseException.badRequest("URI with headers not enclosed in <>", c.pos);
            }
            c.pos++;
        }
        if (c.pos == uriStart) {
            throw c.fail();
        }
        Uri uri = parseUri(c.text.toString(), uriStart, c.pos);
        Parameters params = Parameters.parseGeneric(c);
        return new NameAddress(null, null, uri, params);
    }

    private static Uri parseUri(String text, int start, int end) throws SipParseException {
        try {
            return Uri.parse(text, start, end);
        } catch (SipParseException e) {
            throw e.shiftedBy(start);
        }
    }

    /** The display name without quotes and escapes, or null. */
    public String displayName() {
        return displayName;
    }

    /** The URI; null only for the wildcard. */
    public Uri uri() {
        return uri;
    }

    /** Header parameters (tag, expires, q...), values as written; read-only. */
    public Parameters parameters() {
        return parameters;
    }

    public String tag() {
        return parameters.get("tag");
    }

    public boolean isWildcard() {
        return this == WILDCARD;
    }

    /** A copy with the header parameter set (null value for a flag). */
    public NameAddress withParameter(String name, String value) {
        if (isWildcard()) {
            throw new IllegalStateException("The Contact wildcard takes no parameters");
        }
        Parameters copy = parameters.copy();
        boolean appended = !copy.has(name);
        copy.set(name, value);
        NameAddress changed = new NameAddress(displayNameText, displayName, uri, copy.readOnly());
        if (appended) {
            // a new parameter goes last: the text is this text and it, made in one step (a To tag per response)
            changed.text = value == null ? toString() + ';' + name : toString() + ';' + name + '=' + value;
        }
        return changed;
    }

    /** A copy with the tag parameter set (RFC 3261 §8.2.6.2, §19.3). */
    public NameAddress withTag(String tag) {
        return withParameter("tag", tag);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            if (isWildcard()) {
                return "*";
            }
            StringBuilder sb = new StringBuilder(64);
            if (displayNameText != null) {
                sb.append(displayNameText).append(' ');
            }
            sb.append('<');
            if (uri instanceof SipUri sip) {
                sip.appendTo(sb);
            } else {
                sb.append(uri);
            }
            sb.append('>');
            parameters.appendTo(sb);
            text = t = sb.toString();
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NameAddress other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
