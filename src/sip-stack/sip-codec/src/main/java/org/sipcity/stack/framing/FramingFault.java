package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;

/**
 * Every way the framing of a stream can be lost, with the status and reason phrase to answer with.
 * Reason phrases name the fault so that the peer's logs say what was wrong (RFC 3261 §21.4.1 allows any phrase).
 */
enum FramingFault {
    /** RFC 3261 §18.3, §20.14: "the Content-Length header field MUST be used with stream oriented transports". */
    MISSING_CONTENT_LENGTH(400, "Missing Content-Length"),
    /** RFC 3261 §20.14: {@code Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT}. */
    EMPTY_CONTENT_LENGTH(400, "Empty Content-Length"),
    NEGATIVE_CONTENT_LENGTH(400, "Negative Content-Length"),
    NON_NUMERIC_CONTENT_LENGTH(400, "Non-Numeric Content-Length"),
    /** A value no buffer could hold (beyond 2^31 - 1): refused rather than silently truncated. */
    CONTENT_LENGTH_OVERFLOW(400, "Content-Length Overflow"),
    /** Two values leave the end of the message ambiguous (request smuggling); equal repeats are tolerated. */
    CONFLICTING_CONTENT_LENGTH(400, "Conflicting Content-Length Values"),
    /** RFC 3261 §7: lines end with CRLF; a lone LF would make this framer and the peer disagree on the head's end. */
    BARE_LF(400, "Bare LF In Message Head"),
    /** A CR between messages that does not start a CRLF keep-alive (RFC 5626 §4.4.1). */
    MALFORMED_KEEP_ALIVE(400, "Malformed CRLF Keep-Alive"),
    /** The first byte of a message is neither a method's nor "SIP/"'s: not a SIP stream (TLS on a TCP port, a scan). */
    INVALID_MESSAGE_START(400, "Invalid Start Of Message"),
    /** RFC 3261 §21.5.14. */
    HEAD_TOO_LARGE(513, "Message Head Too Large"),
    /** RFC 3261 §21.5.14. */
    MESSAGE_TOO_LARGE(513, "Message Too Large");

    private final int statusCode;
    private final String reasonPhrase;

    FramingFault(int statusCode, String reasonPhrase) {
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
    }

    int statusCode() {
        return statusCode;
    }

    String reasonPhrase() {
        return reasonPhrase;
    }

    FramingError toError(ByteBuf headBytes) {
        return new FramingError(statusCode, reasonPhrase, headBytes);
    }
}
