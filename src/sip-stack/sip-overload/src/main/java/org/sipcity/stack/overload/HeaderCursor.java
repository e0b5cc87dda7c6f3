package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Walks the header fields of a message head by a byte scan, without parsing: for each field it gives the
 * header it names (only those the valve needs are told apart, long and compact forms, RFC 3261 §7.3.3), where its
 * line starts, where its value starts and where the field ends, continuation lines included (RFC 3261 §7.3.1
 * folding). It stops at the blank line that ends the head or at {@link #SCAN_LIMIT} bytes, whichever comes first.
 *
 * <p>A line without a colon is skipped as {@link #MALFORMED}; the full parse, if the message is admitted, names
 * the fault. Indices are absolute indices of the buffer; the buffer's indices are not moved.
 */
final class HeaderCursor {

    /** No more bytes of a head are looked at: the stream framer's default header limit. */
    static final int SCAN_LIMIT = 16384;

    static final int MALFORMED = -1;
    static final int OTHER = 0;
    static final int VIA = 1;
    static final int FROM = 2;
    static final int TO = 3;
    static final int CALL_ID = 4;
    static final int CSEQ = 5;
    static final int AUTHORIZATION = 6;

    private final ByteBuf buf;
    private final int limit;
    private int next;
    private boolean headEnded;

    private int header;
    private int lineStart;
    private int valueStart;
    private int fieldEnd;

    /** A cursor over the header fields of the message in {@code buf}'s readable bytes (the first line is skipped). */
    HeaderCursor(ByteBuf buf) {
        this.buf = buf;
        int start = buf.readerIndex();
        this.limit = start + Math.min(buf.readableBytes(), SCAN_LIMIT);
        int firstLf = buf.forEachByte(start, limit - start, ByteProcessor.FIND_LF);
        this.next = firstLf < 0 ? limit : firstLf + 1;
    }

    /** Moves to the next header field; false at the end of the head (or of the scanned bytes). */
    boolean next() {
        if (next >= limit) {
            return false;
        }
        byte first = buf.getByte(next);
        if (first == '\r' || first == '\n') {
            headEnded = true;
            next = limit;
            return false;
        }
        lineStart = next;
        int lf = lineFeedFrom(lineStart);
        int firstLineEnd = contentEnd(lineStart, lf);
        // RFC 3261 §7.3.1: a line starting with SP or HT continues the field above it.
        while (lf < limit && lf + 1 < limit && isWhitespace(buf.getByte(lf + 1))) {
            lf = lineFeedFrom(lf + 1);
        }
        fieldEnd = contentEnd(lineStart, lf);
        next = lf >= limit ? limit : lf + 1;

        int colon = buf.indexOf(lineStart, firstLineEnd, (byte) ':');
        if (colon < 0 || colon == lineStart) {
            header = MALFORMED;
            valueStart = fieldEnd;
            return true;
        }
        int nameEnd = colon;
        while (nameEnd > lineStart && isWhitespace(buf.getByte(nameEnd - 1))) {
            nameEnd--;
        }
        header = headerOf(lineStart, nameEnd - lineStart);
        int v = colon + 1;
        while (v < fieldEnd && isLinearWhitespace(buf.getByte(v))) {
            v++;
        }
        valueStart = v;
        return true;
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
        return fieldEnd;
    }

    /** Whether the blank line ending the head was reached (false if the scan stopped at the limit). */
    boolean headEnded() {
        return headEnded;
    }

    private int lineFeedFrom(int from) {
        int lf = buf.forEachByte(from, limit - from, ByteProcessor.FIND_LF);
        return lf < 0 ? limit : lf;
    }

    /** End of a line's content: before the CR of CRLF (a bare LF is tolerated) and any trailing whitespace. */
    private int contentEnd(int start, int lf) {
        int end = lf;
        while (end > start && isLinearWhitespace(buf.getByte(end - 1))) {
            end--;
        }
        return end;
    }

    private int headerOf(int start, int length) {
        switch (length) {
            case 1:
                switch (buf.getByte(start) | 0x20) {
                    case 'v': return VIA;
                    case 'f': return FROM;
                    case 't': return TO;
                    case 'i': return CALL_ID;
                    default: return OTHER;
                }
            case 2:
                return nameIs(start, "to") ? TO : OTHER;
            case 3:
                return nameIs(start, "via") ? VIA : OTHER;
            case 4:
                return nameIs(start, "from") ? FROM : nameIs(start, "cseq") ? CSEQ : OTHER;
            case 7:
                return nameIs(start, "call-id") ? CALL_ID : OTHER;
            case 13:
                return nameIs(start, "authorization") ? AUTHORIZATION : OTHER;
            default:
                return OTHER;
        }
    }

    /** Case-insensitive comparison with a lower-case ASCII name of the same length ('-' survives the OR with 0x20). */
    private boolean nameIs(int start, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            if ((buf.getByte(start + i) | 0x20) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Whitespace inside a field: SP, HT and the CR/LF of a folded line. */
    static boolean isLinearWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
