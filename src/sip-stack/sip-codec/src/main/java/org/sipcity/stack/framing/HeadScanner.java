package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;

/**
 * Finds the end of one message head (the empty line of RFC 3261 §7) and its Content-Length, line by line,
 * resuming where the previous call stopped. Positions are kept relative to the message's first byte, which is
 * the reader index of the caller's buffer as long as the message is incomplete (the buffer may be compacted
 * between calls; relative positions survive that).
 *
 * <p>Each byte is searched for LF once; besides that, only the first bytes of each line and the value of
 * Content-Length fields are looked at. Header fields may be folded (RFC 3261 §7.3.1), so a Content-Length value
 * may continue on the following lines; it is read as the lines arrive.
 */
final class HeadScanner {

    /** {@link #scan} result: the head is not complete yet. */
    static final int NEED_MORE = 0;
    /** {@link #scan} result: the framing is lost, see {@link #fault()} and {@link #faultHeadLength()}. */
    static final int FAULT = -1;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CONTENT_LENGTH = {'c', 'o', 'n', 't', 'e', 'n', 't', '-', 'l', 'e', 'n', 'g', 't', 'h'};
    private static final byte[] LOWER = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    }

    // Where a Content-Length value stands while it is read, possibly over folded lines.
    private static final int NOT_IN_CONTENT_LENGTH = 0;
    private static final int BEFORE_DIGITS = 1;
    private static final int IN_DIGITS = 2;
    private static final int AFTER_DIGITS = 3;

    /** Bytes from the message start already searched for LF. */
    private int searched;
    /** Start of the line not yet complete, from the message start. */
    private int lineStart;
    private boolean onStartLine = true;
    private int contentLengthState = NOT_IN_CONTENT_LENGTH;
    private long value;
    private long contentLength = -1;
    private FramingFault fault;
    private int faultHeadLength;

    /**
     * Scans on from where the previous call stopped.
     *
     * @param in            the caller's buffer
     * @param messageStart  absolute index of the message's first byte
     * @param available     bytes readable from {@code messageStart}
     * @param maxHeadSize   largest head allowed, in bytes
     * @return the head's length (through its empty line) when complete, {@link #NEED_MORE} or {@link #FAULT}
     */
    int scan(ByteBuf in, int messageStart, int available, int maxHeadSize) {
        int window = Math.min(available, maxHeadSize);
        while (searched < window) {
            int lf = in.indexOf(messageStart + searched, messageStart + window, LF);
            if (lf < 0) {
                searched = window;
                break;
            }
            int lineEnd = lf - messageStart + 1;
            searched = lineEnd;
            int start = messageStart + lineStart;
            lineStart = lineEnd;
            if (lf == start || in.getByte(lf - 1) != CR) {
                return fail(FramingFault.BARE_LF, lineEnd);
            }
            int contentEnd = lf - 1;
            if (contentEnd == start) {
                // The empty line: the head ends here.
                if (!endField(lineEnd)) {
                    return FAULT;
                }
                return lineEnd;
            }
            if (!line(in, start, contentEnd, lineEnd)) {
                return FAULT;
            }
        }
        if (available >= maxHeadSize) {
            return fail(FramingFault.HEAD_TOO_LARGE, maxHeadSize);
        }
        return NEED_MORE;
    }

    /** The Content-Length of the head just scanned; -1 if it had none. */
    long contentLength() {
        return contentLength;
    }

    FramingFault fault() {
        return fault;
    }

    /** How many bytes of the head were read when the fault was found. */
    int faultHeadLength() {
        return faultHeadLength;
    }

    /** Forgets the message scanned, for the next one. */
    void reset() {
        searched = 0;
        lineStart = 0;
        onStartLine = true;
        contentLengthState = NOT_IN_CONTENT_LENGTH;
        value = 0;
        contentLength = -1;
        fault = null;
        faultHeadLength = 0;
    }

    /** One complete, non-empty line {@code [start, contentEnd)} (its CRLF excluded). */
    private boolean line(ByteBuf in, int start, int contentEnd, int headLength) {
        if (onStartLine) {
            onStartLine = false;
            return true;
        }
        byte first = in.getByte(start);
        if (first == ' ' || first == '\t') {
            // RFC 3261 §7.3.1: a line starting with white space continues the field above.
            return contentLengthState == NOT_IN_CONTENT_LENGTH || value(in, start, contentEnd, headLength);
        }
        if (!endField(headLength)) {
            return false;
        }
        int valueStart = contentLengthValueStart(in, start, contentEnd);
        if (valueStart < 0) {
            return true;
        }
        contentLengthState = BEFORE_DIGITS;
        value = 0;
        return value(in, valueStart, contentEnd, headLength);
    }

    /**
     * If the line is a Content-Length field, long or compact form, case-insensitive (RFC 3261 §7.3.1, §7.3.3),
     * the index after its colon; else -1. {@code HCOLON = *( SP / HTAB ) ":" SWS}.
     */
    private static int contentLengthValueStart(ByteBuf in, int start, int contentEnd) {
        int i;
        byte first = LOWER[in.getByte(start) & 0xFF];
        if (first == 'l') {
            i = start + 1;
        } else if (first == 'c' && contentEnd - start > CONTENT_LENGTH.length) {
            for (int n = 1; n < CONTENT_LENGTH.length; n++) {
                if (LOWER[in.getByte(start + n) & 0xFF] != CONTENT_LENGTH[n]) {
                    return -1;
                }
            }
            i = start + CONTENT_LENGTH.length;
        } else {
            return -1;
        }
        while (i < contentEnd) {
            byte b = in.getByte(i++);
            if (b == ':') {
                return i;
            }
            if (b != ' ' && b != '\t') {
                return -1;
            }
        }
        return -1;
    }

    /** Reads value bytes {@code [from, to)} of a Content-Length field: {@code SWS 1*DIGIT} and trailing white space. */
    private boolean value(ByteBuf in, int from, int to, int headLength) {
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b == ' ' || b == '\t') {
                if (contentLengthState == IN_DIGITS) {
                    contentLengthState = AFTER_DIGITS;
                }
            } else if (b >= '0' && b <= '9' && contentLengthState != AFTER_DIGITS) {
                contentLengthState = IN_DIGITS;
                // Leading zeros are digits like any other: "0150" is 150.
                value = value * 10 + (b - '0');
                if (value > Integer.MAX_VALUE) {
                    fail(FramingFault.CONTENT_LENGTH_OVERFLOW, headLength);
                    return false;
                }
            } else {
                fail(b == '-' && contentLengthState == BEFORE_DIGITS
                        ? FramingFault.NEGATIVE_CONTENT_LENGTH : FramingFault.NON_NUMERIC_CONTENT_LENGTH, headLength);
                return false;
            }
        }
        return true;
    }

    /** The field above is complete: if it was a Content-Length, checks and records its value. */
    private boolean endField(int headLength) {
        if (contentLengthState == NOT_IN_CONTENT_LENGTH) {
            return true;
        }
        if (contentLengthState == BEFORE_DIGITS) {
            fail(FramingFault.EMPTY_CONTENT_LENGTH, headLength);
            return false;
        }
        contentLengthState = NOT_IN_CONTENT_LENGTH;
        if (contentLength >= 0 && contentLength != value) {
            fail(FramingFault.CONFLICTING_CONTENT_LENGTH, headLength);
            return false;
        }
        contentLength = value;
        return true;
    }

    private int fail(FramingFault fault, int headLength) {
        this.fault = fault;
        this.faultHeadLength = headLength;
        return FAULT;
    }
}
