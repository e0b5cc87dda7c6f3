package org.sipcity.sip.container.spec;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.URI;
import org.sipcity.stack.address.AbsoluteUri;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.TelUrl;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.parser.SipParseException;

/** Converts between the stack's immutable URIs and the mutable {@link URI} objects JSR 289 hands to applications. */
public final class Uris {

    private Uris() {
    }

    /** A new mutable copy of {@code uri}. */
    public static URI fromStack(Uri uri) {
        if (uri instanceof SipUri sip) {
            return new SipURIImpl(sip);
        }
        if (uri instanceof TelUrl tel) {
            return new TelURLImpl(tel);
        }
        return new URIImpl((AbsoluteUri) uri);
    }

    /** The stack form of {@code uri} as it is now. */
    public static Uri toStack(URI uri) {
        if (uri instanceof SipURIImpl sip) {
            return sip.toStack();
        }
        if (uri instanceof TelURLImpl tel) {
            return tel.toStack();
        }
        if (uri instanceof URIImpl generic) {
            return generic.toStack();
        }
        try {
            return Uri.parse(uri.toString());
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Not a URI: " + uri + " (" + e.fault() + ")", e);
        }
    }

    /** Parses any URI the stack knows (sip, sips, tel, or any other absolute URI). */
    public static URI parse(String text) throws ServletParseException {
        if (text == null) {
            throw new ServletParseException("A URI cannot be null");
        }
        try {
            return fromStack(Uri.parse(text.trim()));
        } catch (SipParseException e) {
            throw parseError("URI", text, e);
        }
    }

    static ServletParseException parseError(String what, String text, SipParseException cause) {
        ServletParseException error = new ServletParseException(
                "Invalid " + what + " '" + text + "': " + cause.fault() + " at offset " + cause.offset());
        error.initCause(cause);
        return error;
    }
}
