package org.sipcity.registrar.location;

import java.util.Objects;

/**
 * A {@code +sip.instance} value (RFC 5626 §4.1) as a binding keeps it in memory, exactly as registered (without the
 * quotes of the Contact parameter).
 * <p>
 * RFC 5626 §4.1 asks for a UUID URN (RFC 4122) unless the device has a better URN, and almost every UA sends one:
 * {@code <urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>}. That form, in lower case as RFC 4122 §3 writes it, is
 * kept as the UUID's two longs (32 bytes instead of about 90 as text); any other value (another URN, upper-case hex)
 * is kept as its text, so that {@link #text()} always gives back what was registered.
 */
public final class InstanceId {

    private static final String UUID_PREFIX = "<urn:uuid:";
    /** {@code <urn:uuid:} + 8-4-4-4-12 hex digits + {@code >}. */
    private static final int UUID_FORM_LENGTH = UUID_PREFIX.length() + 36 + 1;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final long high;
    private final long low;
    /** The value when it is not a lower-case UUID URN, else {@code null}. */
    private final String text;

    private InstanceId(long high, long low, String text) {
        this.high = high;
        this.low = low;
        this.text = text;
    }

    /** The value of a {@code +sip.instance} parameter without its quotes; {@code null} for {@code null}. */
    public static InstanceId of(String text) {
        if (text == null) {
            return null;
        }
        if (text.length() == UUID_FORM_LENGTH && text.startsWith(UUID_PREFIX)
                && text.charAt(text.length() - 1) == '>') {
            long high = 0;
            long low = 0;
            int digits = 0;
            for (int i = UUID_PREFIX.length(); i < text.length() - 1; i++) {
                int offset = i - UUID_PREFIX.length();
                char c = text.charAt(i);
                if (offset == 8 || offset == 13 || offset == 18 || offset == 23) {
                    if (c != '-') {
                        return new InstanceId(0, 0, text);
                    }
                    continue;
                }
                int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (nibble < 0) {
                    return new InstanceId(0, 0, text); // upper case or not hex: kept as given
                }
                if (digits < 16) {
                    high = high << 4 | nibble;
                } else {
                    low = low << 4 | nibble;
                }
                digits++;
            }
            return new InstanceId(high, low, null);
        }
        return new InstanceId(0, 0, text);
    }

    /** The value as registered. */
    public String text() {
        return text != null ? text : new String(uuidForm());
    }

    /** Appends the value as registered, without making a String of it first. */
    public StringBuilder appendTo(StringBuilder out) {
        return text != null ? out.append(text) : out.append(uuidForm());
    }

    private char[] uuidForm() {
        char[] out = new char[UUID_FORM_LENGTH];
        UUID_PREFIX.getChars(0, UUID_PREFIX.length(), out, 0);
        int at = UUID_PREFIX.length();
        at = hex(high >>> 32, 8, out, at);
        out[at++] = '-';
        at = hex(high >>> 16, 4, out, at);
        out[at++] = '-';
        at = hex(high, 4, out, at);
        out[at++] = '-';
        at = hex(low >>> 48, 4, out, at);
        out[at++] = '-';
        at = hex(low, 12, out, at);
        out[at] = '>';
        return out;
    }

    /** Writes the lowest {@code digits} hex digits of {@code value}. */
    private static int hex(long value, int digits, char[] out, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return at + digits;
    }

    /** Whether this is a UUID URN kept as two longs (for tests of the compact form). */
    boolean isCompact() {
        return text == null;
    }

    @Override
    public boolean equals(Object other) {
        // A text that has the compact form is always kept compact, so equal values have equal representations.
        return other instanceof InstanceId that && high == that.high && low == that.low
                && Objects.equals(text, that.text);
    }

    @Override
    public int hashCode() {
        return text != null ? text.hashCode() : Long.hashCode(high) * 31 + Long.hashCode(low);
    }

    /** The value as registered, as {@link #text()}. */
    @Override
    public String toString() {
        return text();
    }
}
