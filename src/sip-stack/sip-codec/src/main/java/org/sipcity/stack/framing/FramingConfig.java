package org.sipcity.stack.framing;

/**
 * Limits of the {@link SipStreamFramer}. A message beyond them is answered 513 (Message Too Large, RFC 3261
 * §21.5.14) and its connection closed: on a stream the framer cannot skip a message it will not buffer.
 *
 * <table border="1">
 * <caption>Limits</caption>
 * <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>{@code maxMessageSize}</td><td>65535</td>
 *     <td>Largest message in bytes, head and body: the largest a UDP datagram can carry, so a message that
 *     arrived by stream can still be forwarded over any transport.</td></tr>
 * <tr><td>{@code maxHeaderSize}</td><td>16384</td>
 *     <td>Largest head in bytes: start line, header fields and the empty line ending them. Bounds how much of
 *     a connection's buffer a slow or hostile peer can fill before its message is known to be framed.</td></tr>
 * </table>
 *
 * @param maxMessageSize largest message in bytes, head and body; at least {@code maxHeaderSize}
 * @param maxHeaderSize  largest head in bytes, including the CRLF that ends it; positive
 */
public record FramingConfig(int maxMessageSize, int maxHeaderSize) {

    /** Default of {@link #maxMessageSize()}. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65535;
    /** Default of {@link #maxHeaderSize()}. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 16384;

    private static final FramingConfig DEFAULTS = new FramingConfig(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_HEADER_SIZE);

    public FramingConfig {
        if (maxHeaderSize <= 0) {
            throw new IllegalArgumentException("maxHeaderSize must be positive: " + maxHeaderSize);
        }
        if (maxMessageSize < maxHeaderSize) {
            throw new IllegalArgumentException("maxMessageSize (" + maxMessageSize
                    + ") must be at least maxHeaderSize (" + maxHeaderSize + ")");
        }
    }

    /** The documented defaults. */
    public static FramingConfig defaults() {
        return DEFAULTS;
    }
}
