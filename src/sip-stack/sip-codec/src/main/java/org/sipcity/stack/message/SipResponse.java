package org.sipcity.stack.message;

import org.sipcity.stack.address.NameAddress;

/** A SIP response: status code, reason phrase and the message (RFC 3261 §7.2). */
public final class SipResponse extends SipMessage {

    private final int status;
    private final String reasonPhrase;

    private SipResponse(int status, String reasonPhrase) {
        this.status = checkStatus(status);
        this.reasonPhrase = reason(status, reasonPhrase);
    }

    private SipResponse(int status, String reasonPhrase, WireParts parts) {
        super(parts);
        this.status = status;
        this.reasonPhrase = reasonPhrase;
    }

    SipResponse(SipRequest request, int status, String reasonPhrase) {
        super(request, status == 100);
        this.status = checkStatus(status);
        this.reasonPhrase = reason(status, reasonPhrase);
    }

    /** A new response with no header fields. */
    public static SipResponse create(int status, String reasonPhrase) {
        return new SipResponse(status, reasonPhrase);
    }

    /** A received response, for {@code SipMessageParser}. */
    public static SipResponse fromWire(int status, String reasonPhrase, WireParts parts) {
        return new SipResponse(status, reasonPhrase, parts);
    }

    private static int checkStatus(int status) {
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("Status code out of range: " + status);
        }
        return status;
    }

    private static String reason(int status, String given) {
        String r = given == null ? ReasonPhrases.of(status) : given;
        if (r.indexOf('\r') >= 0 || r.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("A reason phrase cannot hold CR or LF");
        }
        return r;
    }

    public int getStatus() {
        return status;
    }

    public String getReasonPhrase() {
        return reasonPhrase;
    }

    /**
     * Adds a tag to the To header field (RFC 3261 §8.2.6.2), keeping the rest of it.
     *
     * @throws IllegalStateException when there is no valid To (a response to a partial request whose To is the
     *                               fault keeps the To as received)
     */
    public void setToTag(String tag) {
        NameAddress to = getTo();
        if (to == null) {
            throw new IllegalStateException("No To header field");
        }
        if (tag == null || !org.sipcity.stack.address.SipChars.isToken(tag)) {
            throw new IllegalArgumentException("A tag must be a token: " + tag);
        }
        setTo(to.withTag(tag));
    }

    @Override
    void writeCanonicalStartLine(MessageSink out) {
        out.ascii("SIP/2.0 ");
        out.decimal(status);
        out.ascii(" ");
        out.utf8(reasonPhrase);
        out.ascii("\r\n");
    }
}
