package org.sipcity.stack.address;

import org.sipcity.stack.parser.SipParseException;

/**
 * A URI in a Request-Line or a header field: {@link SipUri} (sip, sips), {@link TelUrl} (tel) or, for any
 * other scheme, {@link AbsoluteUri} kept as text (RFC 3261 §19, RFC 3966). Immutable.
 * {@link #toString()} gives the canonical text.
 */
public abstract sealed class Uri permits SipUri, TelUrl, AbsoluteUri {

    Uri() {
    }

    /** The scheme in lower case: "sip", "sips", "tel", or any other. */
    public abstract String scheme();

    /** Parses a URI of any scheme; throws a 400 {@link SipParseException} when it breaks its grammar. */
    public static Uri parse(String text) throws SipParseException {
        int colon = schemeEnd(text);
        if (colon == 3 && text.regionMatches(true, 0, "sip", 0, 3)
                || colon == 4 && text.regionMatches(true, 0, "sips", 0, 4)) {
            return SipUri.parse(text);
        }
        if (colon == 3 && text.regionMatches(true, 0, "tel", 0, 3)) {
            return TelUrl.parse(text);
        }
        return AbsoluteUri.parse(text);
    }

    /**
     * The index of the ':' ending a valid scheme ({@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}), or -1.
     */
    public static int schemeEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return i == 0 ? -1 : i;
            }
            boolean alpha = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (i == 0 ? !alpha : !(alpha || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
                return -1;
            }
        }
        return -1;
    }
}
