package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the stateless 503 for a shed request straight from the bytes of its head, without a parse: the status
 * line, then every Via, From, To, Call-ID and CSeq field copied as received, in their order (RFC 3261 §8.2.6.2;
 * compact names and folded lines are valid in a response too, so they are copied as they are), a To tag when
 * the request has none (§8.2.6.2: the UAS MUST add one to a final response), {@code Retry-After} (§21.5.4,
 * §20.33) and {@code Content-Length: 0}.
 *
 * <p>When the top Via carries {@code oc} (RFC 7339 §5.1), that Via's oc parameters are replaced by the
 * server's current {@link OverloadControlFeedback}. The Via is not stamped with {@code received}/{@code rport}
 * (§18.2.1, RFC 3581): the answer goes back on the flow the request came from, so no one routes it by them.
 *
 * <p>The head is scanned as a byte array ({@link HeadBytes}); nothing else is allocated.
 */
public final class RejectionWriter {

    private static final byte[] STATUS_LINE = "SIP/2.0 503 Service Unavailable\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAG = ";tag=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY_AFTER = "Retry-After: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RejectionWriter() {
    }

    /**
     * Appends the 503 for the request in {@code request}'s readable bytes to {@code out}. Neither buffer's
     * reader index moves.
     *
     * @param retryAfterSeconds the Retry-After value
     * @param feedback          RFC 7339 values for an upstream that advertises {@code oc}; {@code null} for none
     * @return false, with {@code out} as it was, if the head lacks a Via, From, To, Call-ID or CSeq field within
     *         the scanned bytes: then there is nothing to address an answer with (drop the request instead)
     */
    public static boolean write503(ByteBuf request, ByteBuf out, int retryAfterSeconds, OverloadControlFeedback feedback) {
        int mark = out.writerIndex();
        out.writeBytes(STATUS_LINE);
        int seen = 0; // bit per header kind
        HeadBytes head = HeadBytes.of(request);
        byte[] bytes = head.bytes;
        HeaderCursor cursor = new HeaderCursor(head);
        while (cursor.next()) {
            int header = cursor.header();
            if (header < HeaderCursor.VIA || header > HeaderCursor.CSEQ) {
                continue;
            }
            int bit = 1 << header;
            if (header != HeaderCursor.VIA && (seen & bit) != 0) {
                continue; // a repeated single-valued field: the first one answers
            }
            if (header == HeaderCursor.VIA && (seen & bit) == 0 && feedback != null) {
                writeTopVia(bytes, cursor, out, feedback);
            } else {
                copy(bytes, cursor.lineStart(), cursor.fieldEnd(), out);
                if (header == HeaderCursor.TO
                        && !FieldValues.hasParameter(bytes, cursor.valueStart(), cursor.fieldEnd(), "tag")) {
                    writeTag(out);
                }
            }
            out.writeByte('\r').writeByte('\n');
            seen |= bit;
        }
        int required = (1 << HeaderCursor.VIA) | (1 << HeaderCursor.FROM) | (1 << HeaderCursor.TO)
                | (1 << HeaderCursor.CALL_ID) | (1 << HeaderCursor.CSEQ);
        if ((seen & required) != required) {
            out.writerIndex(mark);
            return false;
        }
        out.writeBytes(RETRY_AFTER);
        writeDecimal(out, retryAfterSeconds);
        out.writeBytes(END);
        return true;
    }

    /** The first Via field, its first value's oc parameters replaced if it carries {@code oc}. */
    private static void writeTopVia(byte[] request, HeaderCursor cursor, ByteBuf out, OverloadControlFeedback feedback) {
        int valueStart = cursor.valueStart();
        int fieldEnd = cursor.fieldEnd();
        int topEnd = FieldValues.topLevelIndexOf(request, valueStart, fieldEnd, (byte) ',');
        int topContentEnd = FieldValues.trimEnd(request, valueStart, topEnd);
        if (!FieldValues.hasParameter(request, valueStart, topContentEnd, "oc")) {
            copy(request, cursor.lineStart(), fieldEnd, out);
            return;
        }
        int semi = FieldValues.topLevelIndexOf(request, valueStart, topContentEnd, (byte) ';');
        copy(request, cursor.lineStart(), semi, out); // name, colon, sent-protocol and sent-by
        while (semi < topContentEnd) {
            int next = FieldValues.topLevelIndexOf(request, semi + 1, topContentEnd, (byte) ';');
            if (!isOverloadParameter(request, semi, topContentEnd)) {
                copy(request, semi, next, out);
            }
            semi = next;
        }
        out.writeBytes(feedback.viaParameterBytes());
        copy(request, topContentEnd, fieldEnd, out); // the other Via values of the same field, if any
    }

    private static boolean isOverloadParameter(byte[] request, int semi, int to) {
        for (String name : OverloadControlFeedback.VIA_PARAMETERS) {
            if (FieldValues.parameterNameIs(request, semi, to, name)) {
                return true;
            }
        }
        return false;
    }

    private static void writeTag(ByteBuf out) {
        out.writeBytes(TAG);
        long random = ThreadLocalRandom.current().nextLong();
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (random >>> shift) & 0xF]);
        }
    }

    private static void copy(byte[] from, int start, int end, ByteBuf out) {
        if (end > start) {
            out.writeBytes(from, start, end - start);
        }
    }

    static void writeDecimal(ByteBuf out, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative Retry-After: " + value);
        }
        int divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte('0' + value / divisor % 10);
        }
    }
}
