package org.sipcity.stack.message;

import java.util.Objects;

import org.sipcity.stack.address.Uri;
import org.sipcity.stack.parser.SipParseException;

/** A SIP request: method, Request-URI and the message (RFC 3261 §7.1). */
public final class SipRequest extends SipMessage {

    private final SipMethod method;
    /** Null until first read when the parser left a plain Request-URI unparsed (see {@link #uriStart}). */
    private Uri requestUri;
    /** Where the unparsed Request-URI lies in the received bytes; -1 once parsed or set. */
    private int uriStart = -1;
    private int uriEnd;

    private SipRequest(SipMethod method, Uri requestUri) {
        this.method = method;
        this.requestUri = requestUri;
    }

    private SipRequest(SipMethod method, Uri requestUri, WireParts parts) {
        super(parts);
        this.method = method;
        this.requestUri = requestUri;
    }

    /**
     * A received request whose Request-URI the parser found plain ({@code PlainAddresses.isPlainSipUri}) and
     * left in the received bytes [uriStart, uriEnd): it is parsed when first read.
     */
    public static SipRequest fromWire(SipMethod method, int uriStart, int uriEnd, WireParts parts) {
        SipRequest request = new SipRequest(Objects.requireNonNull(method, "method"), null, parts);
        request.uriStart = uriStart;
        request.uriEnd = uriEnd;
        return request;
    }

    /** A new request with no header fields; add Via, From, To, Call-ID, CSeq and Max-Forwards before sending. */
    public static SipRequest create(SipMethod method, Uri requestUri) {
        return new SipRequest(Objects.requireNonNull(method, "method"), Objects.requireNonNull(requestUri, "uri"));
    }

    /**
     * A received request, for {@code SipMessageParser}. The Request-URI is null only in the partial request
     * of a {@code SipParseException} whose Request-URI was malformed.
     */
    public static SipRequest fromWire(SipMethod method, Uri requestUri, WireParts parts) {
        return new SipRequest(Objects.requireNonNull(method, "method"), requestUri, parts);
    }

    public SipMethod getMethod() {
        return method;
    }

    public Uri getRequestUri() {
        Uri uri = requestUri;
        if (uri == null && uriStart >= 0) {
            try {
                uri = Uri.parse(HeaderValues.text(wire, uriStart, uriEnd));
            } catch (SipParseException e) {
                throw new IllegalStateException("A Request-URI checked as plain failed to parse", e);
            }
            requestUri = uri;
            uriStart = -1;
        }
        return uri;
    }

    /** Changes the Request-URI; the Request-Line is then written canonically. */
    public void setRequestUri(Uri uri) {
        this.requestUri = Objects.requireNonNull(uri, "uri");
        this.uriStart = -1;
        this.startLineStart = -1;
    }

    /**
     * A response to this request as RFC 3261 §8.2.6.2 builds it: the same Via fields in the same order, From,
     * To, Call-ID and CSeq copied unchanged (received fields are shared byte for byte, not re-written), and for
     * a 100 (Trying) the Timestamp (§8.2.6.1). No To tag is added: the caller adds one where §8.2.6.2 asks
     * ({@link SipResponse#setToTag}).
     *
     * @param status       100 to 699
     * @param reasonPhrase null for the RFC 3261 §21 phrase
     */
    public SipResponse createResponse(int status, String reasonPhrase) {
        if (method == SipMethod.ACK) {
            throw new IllegalStateException("An ACK is never answered (RFC 3261 §17.1.1.1)");
        }
        return new SipResponse(this, status, reasonPhrase);
    }

    /** As {@link #createResponse(int, String)} with the standard reason phrase. */
    public SipResponse createResponse(int status) {
        return createResponse(status, null);
    }

    @Override
    void writeCanonicalStartLine(MessageSink out) {
        out.ascii(method.name());
        out.ascii(" ");
        out.utf8(String.valueOf(getRequestUri()));
        out.ascii(" SIP/2.0\r\n");
    }
}
