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
        return parse(text, 0, text.length());
    }

    /** Parses text[start, end); offsets in a thrown exception count from {@code start}. */
    static Uri parse(String text, int start, int end) throws SipParseException {
        if (startsWithScheme(text, start, end, "sip") || startsWithScheme(text, start, end, "sips")) {
            try {
                return SipUri.parse(text, start, end);
            } catch (SipParseException e) {
                return rethrow(e, start);
            }
        }
        String uri = start == 0 && end == text.length() ? text : text.substring(start, end);
        return startsWithScheme(uri, 0, uri.length(), "tel") ? TelUrl.parse(uri) : AbsoluteUri.parse(uri);
    }

    private static boolean startsWithScheme(String text, int start, int end, String scheme) {
        int n = scheme.length();
        return end - start > n && text.charAt(start + n) == ':' && text.regionMatches(true, start, scheme, 0, n);
    }

    private static Uri rethrow(SipParseException e, int start) throws SipParseException {
        throw start == 0 ? e : e.shiftedBy(-start);
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
