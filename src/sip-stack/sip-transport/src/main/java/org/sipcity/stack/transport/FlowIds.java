package org.sipcity.stack.transport;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes flow ids: one letter for the transport ({@code u}, {@code t}, {@code s} for TLS), a five-character
 * token drawn at start-up, a dot, and a per-process sequence number in base 36, for example
 * {@code t3kq9z.1a}. The start-up token keeps an id from naming a different flow after a restart, so a
 * stale flow token held by a client or another server simply finds nothing (RFC 5626 §5.3: "the proxy
 * MUST NOT route to a different flow").
 */
public final class FlowIds {

    private static final int BOOT_TOKEN_LENGTH = 5;
    private static final String BOOT_TOKEN = newBootToken();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private FlowIds() {
    }

    /** A fresh id for a flow of the given transport. */
    public static String next(TransportType transport) {
        return prefix(transport) + BOOT_TOKEN + '.' + Long.toString(SEQUENCE.incrementAndGet(), Character.MAX_RADIX);
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
