package org.sipcity.stack.transport;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes flow ids: one letter for the transport ({@code u}, {@code t}, {@code s} for TLS), a five-character
 * token drawn at start-up, a dot, and a per-process sequence number in base 36, for example
 * {@code t3kq9z.1a}. The start-up token keeps an id from naming a different flow after a restart, so a
 * stale flow token held by a client or another server simply finds nothing (RFC 5626 §5.3: "the proxy
 * MUST NOT route to a different flow").
 *
 * <p>A stream flow stores only its sequence number and derives its id when asked ({@link #format}): the id is
 * read by management and logs, never per message, and 300,000 idle connections should not each hold a String.
 */
public final class FlowIds {

    private static final int BOOT_TOKEN_LENGTH = 5;
    private static final String BOOT_TOKEN = newBootToken();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private FlowIds() {
    }

    /** A fresh id for a flow of the given transport. */
    public static String next(TransportType transport) {
        return format(transport, nextSequence());
    }

    /** A fresh sequence number, unique among the flows of this process whatever their transport. */
    public static long nextSequence() {
        return SEQUENCE.incrementAndGet();
    }

    /** The id of the flow of this transport with this sequence number. */
    public static String format(TransportType transport, long sequence) {
        return prefix(transport) + BOOT_TOKEN + '.' + Long.toString(sequence, Character.MAX_RADIX);
    }

    /**
     * The sequence number within an id made by this process, or -1 for any other text, including an id made before
     * a restart (another start-up token).
     */
    public static long sequenceOf(String id) {
        if (transportOf(id) == null || id.charAt(BOOT_TOKEN_LENGTH + 1) != '.'
                || !id.regionMatches(1, BOOT_TOKEN, 0, BOOT_TOKEN_LENGTH)
                || Character.digit(id.charAt(BOOT_TOKEN_LENGTH + 2), Character.MAX_RADIX) < 0) {
            return -1;
        }
        try {
            long sequence = Long.parseLong(id, BOOT_TOKEN_LENGTH + 2, id.length(), Character.MAX_RADIX);
            return sequence > 0 ? sequence : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The transport an id was made for, or {@code null} if the text is not an id made here. */
    public static TransportType transportOf(String id) {
        if (id == null || id.length() < BOOT_TOKEN_LENGTH + 3) {
            return null;
        }
        return switch (id.charAt(0)) {
            case 'u' -> TransportType.UDP;
            case 't' -> TransportType.TCP;
            case 's' -> TransportType.TLS;
            default -> null;
        };
    }

    private static char prefix(TransportType transport) {
        return switch (transport) {
            case UDP -> 'u';
            case TCP -> 't';
            case TLS -> 's';
        };
    }

    private static String newBootToken() {
        long range = 36L * 36 * 36 * 36 * 36;
        long value = Math.floorMod(new SecureRandom().nextLong(), range);
        StringBuilder token = new StringBuilder(Long.toString(value, Character.MAX_RADIX));
        while (token.length() < BOOT_TOKEN_LENGTH) {
            token.insert(0, '0');
        }
        return token.toString();
    }
}
