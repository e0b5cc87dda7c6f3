package org.sipcity.stack.classify;

/**
 * What the first line of a buffered message says it is.
 */
public enum MessageKind {
    /** A Status-Line: {@code SIP-Version SP Status-Code SP Reason-Phrase CRLF}. */
    RESPONSE,
    /** A Request-Line: {@code Method SP Request-URI SP SIP-Version CRLF}. */
    REQUEST,
    /** The first line has not been received entirely, and what has been received could still start a message. */
    INCOMPLETE,
    /** The bytes cannot be the start line of a SIP message (RFC 3261 §7.1, §7.2, §25.1). */
    INVALID;

    /** {@link #values()} copies its array on every call; the classifier's accessors must not allocate. */
    private static final MessageKind[] BY_ORDINAL = values();

    static MessageKind ofOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
