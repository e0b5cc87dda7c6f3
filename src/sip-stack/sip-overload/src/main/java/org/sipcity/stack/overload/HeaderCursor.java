package org.sipcity.stack.overload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Walks the header fields of a message head by a byte scan, without parsing: for each field it tells the header
 * it names (only those the valve needs, long and compact forms, RFC 3261 §7.3.3, any case), where its line starts,
 * where its value starts and where the field ends, continuation lines included (RFC 3261 §7.3.1 folding). It
 * stops at the blank line that ends the head or at the end of the bytes given, whichever comes first.
 *
 * <p>Cost: line ends are found eight bytes at a time; a line is otherwise looked at only if its first byte may
 * start a wanted name. Any other line (including one without a colon) is {@link #OTHER}; the full parse, if the
 * message is admitted, names its faults.
 */
final class HeaderCursor {

    /** No more bytes of a head are looked at: the stream framer's default header limit. */
    static final int SCAN_LIMIT = 16384;

    static final int OTHER = 0;
    static final int VIA = 1;
    static final int FROM = 2;
    static final int TO = 3;
    static final int CALL_ID = 4;
    static final int CSEQ = 5;
    static final int AUTHORIZATION = 6;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LF_BYTES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final byte[] VIA_NAME = {'v', 'i', 'a'};
    private static final byte[] FROM_NAME = {'f', 'r', 'o', 'm'};
    private static final byte[] TO_NAME = {'t', 'o'};
    private static final byte[] I_NAME = {'i'};
    private static final byte[] CALL_ID_NAME = {'c', 'a', 'l', 'l', '-', 'i', 'd'};
    private static final byte[] CSEQ_NAME = {'c', 's', 'e', 'q'};
    private static final byte[] AUTHORIZATION_NAME = {'a', 'u', 't', 'h', 'o', 'r', 'i', 'z', 'a', 't', 'i', 'o', 'n'};

    private final byte[] bytes;
    private final int limit;
    private int next;

    private int header;
    private int lineStart;
    private int valueStart;
    private int lineEnd;
    private int fieldEnd;

    /** A cursor over the header fields of the message in {@code head} (its first line is skipped). */
    HeaderCursor(HeadBytes head) {
        this.bytes = head.bytes;
        this.limit = head.end;
        this.next = lineFeedFrom(head.start) + 1;
    }

    /** Moves to the next header field; false at the end of the head (or of the bytes). */
    boolean next() {
        if (next >= limit) {
            return false;
        }
        byte first = bytes[next];
        if (first == '\r' || first == '\n') {
            next = limit; // the blank line: end of the head
            return false;
        }
        lineStart = next;
        int lf = lineFeedFrom(lineStart);
        // RFC 3261 §7.3.1: a line starting with SP or HT continues the field above it.
        while (lf + 1 < limit && isWhitespace(bytes[lf + 1])) {
            lf = lineFeedFrom(lf + 1);
        }
        lineEnd = lf;
        fieldEnd = -1; // computed when asked: most lines are skipped
        next = lf + 1;
        header = OTHER;
        switch (first | 0x20) {
            case 'v' -> match(VIA, VIA_NAME);
            case 'f' -> match(FROM, FROM_NAME);
            case 't' -> match(TO, TO_NAME);
            case 'i' -> match(CALL_ID, I_NAME);
            case 'c' -> {
                if (!match(CALL_ID, CALL_ID_NAME)) {
                    match(CSEQ, CSEQ_NAME);
                }
            }
            case 'a' -> match(AUTHORIZATION, AUTHORIZATION_NAME);
            default -> {
            }
        }
        return true;
    }

    /**
     * If the line names {@code lowerCaseName}, or its compact form (its first letter alone, for the names that
     * have one), followed by optional whitespace and a colon: sets the header and where its value starts.
     */
    private boolean match(int candidate, byte[] lowerCaseName) {
        int end = nameEnd(lowerCaseName);
        if (end < 0 && candidate != AUTHORIZATION && candidate != CSEQ && candidate != CALL_ID) {
            end = lineStart + 1; // compact form: v, f, t (i is matched by name)
        }
        if (end < 0) {
            return false;
        }
        int colon = end;
        while (colon < lineEnd && isWhitespace(bytes[colon])) {
            colon++;
        }
        if (colon >= lineEnd || bytes[colon] != ':') {
            return false;
        }
        header = candidate;
        int fieldEnd = fieldEnd();
        int v = colon + 1;
        while (v < fieldEnd && isLinearWhitespace(bytes[v])) {
            v++;
        }
        valueStart = v;
        return true;
    }

    /** The end of {@code lowerCaseName} at the line start (compared ignoring case), or -1. */
    private int nameEnd(byte[] lowerCaseName) {
        int length = lowerCaseName.length;
        if (lineStart + length > lineEnd) {
            return -1;
        }
        for (int i = 0; i < length; i++) {
            if ((bytes[lineStart + i] | 0x20) != lowerCaseName[i]) {
                return -1;
            }
        }
        return lineStart + length;
    }

    /** Which header the current field is: one of the constants of this class. */
    int header() {
        return header;
    }

    int lineStart() {
        return lineStart;
    }

    int valueStart() {
        return valueStart;
    }

    /** Exclusive end of the field's content: before the CRLF of its last line, trailing whitespace excluded. */
    int fieldEnd() {
        if (fieldEnd < 0) {
            fieldEnd = trimEnd(bytes, lineStart, lineEnd);
        }
        return fieldEnd;
    }

    /** The next LF at or after {@code from}, or {@code limit}; eight bytes per step (a zero-byte test on XOR). */
    private int lineFeedFrom(int from) {
        int i = from;
        for (; i + Long.BYTES <= limit; i += Long.BYTES) {
            long x = (long) LONG_LE.get(bytes, i) ^ LF_BYTES;
            long found = (x - LOW_BITS) & ~x & HIGH_BITS;
            if (found != 0) {
                // the lowest flagged byte is exact: a false flag can only sit above a true zero byte
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return limit;
    }

    /** End of [from, to) with trailing whitespace (and the CR of CRLF) removed. */
    static int trimEnd(byte[] bytes, int from, int to) {
        int end = to;
        while (end > from && isLinearWhitespace(bytes[end - 1])) {
            end--;
        }
        return end;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Whitespace inside a field: SP, HT and the CR/LF of a folded line. */
    static boolean isLinearWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
