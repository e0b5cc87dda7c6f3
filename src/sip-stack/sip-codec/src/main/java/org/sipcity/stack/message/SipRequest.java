package org.sipcity.stack.message;

import java.util.Objects;

import org.sipcity.stack.address.Uri;

/** A SIP request: method, Request-URI and the message (RFC 3261 §7.1). */
public final class SipRequest extends SipMessage {

    private final SipMethod method;
    private Uri requestUri;

    private SipRequest(SipMethod method, Uri requestUri) {
        this.method = method;
        this.requestUri = requestUri;
    }

    private SipRequest(SipMethod method, Uri requestUri, WireParts parts) {
        super(parts);
        this.method = method;
        this.requestUri = requestUri;
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
        return requestUri;
    }

    /** Changes the Request-URI; the Request-Line is then written canonically. */
    public void setRequestUri(Uri uri) {
        this.requestUri = Objects.requireNonNull(uri, "uri");
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
        out.utf8(String.valueOf(requestUri));
        out.ascii(" SIP/2.0\r\n");
    }
}
