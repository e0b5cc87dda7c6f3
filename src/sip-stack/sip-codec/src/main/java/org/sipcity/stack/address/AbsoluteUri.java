package org.sipcity.stack.address;

import java.util.Locale;

import org.sipcity.stack.parser.SipParseException;

/**
 * A URI of a scheme the stack does not interpret (http, urn, isbn...), kept as written
 * ({@code absoluteURI} of RFC 3261 §25.1). Only its characters are checked.
 */
public final class AbsoluteUri extends Uri {

    private final String scheme;
    private final String text;

    private AbsoluteUri(String scheme, String text) {
        this.scheme = scheme;
        this.text = text;
    }

    /** absoluteURI = scheme ":" 1*uric; uric = reserved / unreserved / escaped. */
    public static AbsoluteUri parse(String text) throws SipParseException {
        int colon = schemeEnd(text);
        if (colon < 0 || colon == text.length() - 1) {
            throw SipParseException.badRequest("Invalid URI", 0);
        }
        for (int i = colon + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || SipChars.hexValue(text.charAt(i + 1)) < 0
                        || SipChars.hexValue(text.charAt(i + 2)) < 0) {
                    throw SipParseException.badRequest("Invalid URI escape", i);
                }
                i += 2;
            } else if (!SipChars.is(c, SipChars.UNRESERVED | SipChars.RESERVED)) {
                throw SipParseException.badRequest("Invalid URI", i);
            }
        }
        return new AbsoluteUri(text.substring(0, colon).toLowerCase(Locale.ROOT), text);
    }

    @Override
    public String scheme() {
        return scheme;
    }

    /** Everything after the scheme's colon. */
    public String schemeSpecificPart() {
        return text.substring(scheme.length() + 1);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AbsoluteUri other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
