package org.sipcity.stack.parser;

import org.sipcity.stack.message.SipRequest;

/**
 * A message or header field that breaks the SIP grammar, with what to answer.
 *
 * <p>Carries the status to answer (400, 505, 416, 513...), a reason phrase that names the fault
 * (RFC 3261 §21.4.1 lets the reason phrase explain: "Bad Request - Invalid CSeq"), the byte offset of the
 * fault (from the start of the parsed bytes, or of the parsed text for header values), whether the message
 * was a request, and the partially parsed request when enough of it was read to build a response
 * (RFC 3261 §8.2.6: every Via valid, From, To, Call-ID and CSeq present, and copied as received even when one
 * of them is the fault). A malformed <em>response</em> is never answered: the caller drops it
 * ({@link #isRequest()} is false).
 *
 * <p>The exception carries no stack trace: it is expected control flow on bad input, thrown on the receive
 * path, and the offset says more than a trace would.
 */
public final class SipParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String reasonPhrase;
    private final String fault;
    private final int offset;
    private final boolean request;
    private final transient SipRequest partialRequest;

    public SipParseException(int statusCode, String reasonPhrase, String fault, int offset,
                             boolean request, SipRequest partialRequest) {
        super(reasonPhrase + " (offset " + offset + ")", null, false, false);
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
        this.fault = fault;
        this.offset = offset;
        this.request = request;
        this.partialRequest = partialRequest;
    }

    /** A 400 whose reason phrase is "Bad Request - " followed by the fault. */
    public static SipParseException badRequest(String fault, int offset) {
        return new SipParseException(400, "Bad Request - " + fault, fault, offset, true, null);
    }

    /** RFC 3261 §8.2.2 / §21.5.6: a SIP version other than 2.0. */
    public static SipParseException versionNotSupported(int offset) {
        return new SipParseException(505, "Version Not Supported", "Unsupported SIP version", offset, true, null);
    }

    /** RFC 3261 §8.2.2.1 / §21.4.15: a Request-URI scheme the stack does not serve. */
    public static SipParseException unsupportedUriScheme(int offset) {
        return new SipParseException(416, "Unsupported URI Scheme", "Unsupported Request-URI scheme", offset,
                true, null);
    }

    /** RFC 3261 §21.4.11: more bytes than the configured maximum. */
    public static SipParseException messageTooLarge(int offset) {
        return new SipParseException(513, "Message Too Large", "Message too large", offset, true, null);
    }

    /** The same fault, found {@code base} bytes further into a larger text. */
    public SipParseException shiftedBy(int base) {
        return new SipParseException(statusCode, reasonPhrase, fault, offset + base, request, partialRequest);
    }

    /** The same fault, about a response (to be dropped, never answered). */
    public SipParseException inResponse() {
        return new SipParseException(statusCode, reasonPhrase, fault, offset, false, null);
    }

    /** The same fault, with the request parsed far enough to answer it. */
    public SipParseException withPartialRequest(SipRequest partial) {
        return new SipParseException(statusCode, reasonPhrase, fault, offset, request, partial);
    }

    public int statusCode() {
        return statusCode;
    }

    /** The reason phrase to put in the answer, naming the fault. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /** The fault alone, e.g. "Invalid CSeq". */
    public String fault() {
        return fault;
    }

    public int offset() {
        return offset;
    }

    /** False when the bad message was (or may have been) a response: drop it, never answer. */
    public boolean isRequest() {
        return request;
    }

    /**
     * The request as far as it was parsed ({@link SipRequest#isPartial()}), for {@code createResponse}; non-null
     * only when every Via was valid and From, To, Call-ID and CSeq were present.
     */
    public SipRequest partialRequest() {
        return partialRequest;
    }

    /** True when the caller should answer with {@link #statusCode()}; false when it should drop the message. */
    public boolean canAnswer() {
        return request && partialRequest != null;
    }
}
