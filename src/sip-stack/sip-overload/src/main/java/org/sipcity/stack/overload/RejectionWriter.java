package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
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
 * <p>The head is scanned as a byte array ({@link HeadBytes}) and the answer composed in a per-thread array, then
 * written to the output buffer in one copy; nothing is allocated. Neither buffer's reader index moves.
 */
public final class RejectionWriter {

    private static final byte[] STATUS_LINE = "SIP/2.0 503 Service Unavailable\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAG = ";tag=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY_AFTER = "Retry-After: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final FastThreadLocal<Composer> COMPOSER = new FastThreadLocal<>() {
        @Override
        protected Composer initialValue() {
            return new Composer();
        }
    };

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
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("negative Retry-After: " + retryAfterSeconds);
        }
        Composer answer = COMPOSER.get().reset();
        answer.put(STATUS_LINE);
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
                writeTopVia(bytes, cursor, answer, feedback);
            } else {
                answer.put(bytes, cursor.lineStart(), cursor.fieldEnd());
                if (header == HeaderCursor.TO
                        && !FieldValues.hasParameter(bytes, cursor.valueStart(), cursor.fieldEnd(), "tag")) {
                    writeTag(answer);
                }
            }
            answer.put((byte) '\r').put((byte) '\n');
            seen |= bit;
        }
        int required = (1 << HeaderCursor.VIA) | (1 << HeaderCursor.FROM) | (1 << HeaderCursor.TO)
                | (1 << HeaderCursor.CALL_ID) | (1 << HeaderCursor.CSEQ);
        if ((seen & required) != required) {
            return false;
        }
        answer.put(RETRY_AFTER).putDecimal(retryAfterSeconds).put(END);
        out.writeBytes(answer.bytes, 0, answer.length);
        return true;
    }

    /** The first Via field, its first value's oc parameters replaced if it carries {@code oc}. */
    private static void writeTopVia(byte[] request, HeaderCursor cursor, Composer out, OverloadControlFeedback feedback) {
        int valueStart = cursor.valueStart();
        int fieldEnd = cursor.fieldEnd();
        int topEnd = FieldValues.topLevelIndexOf(request, valueStart, fieldEnd, (byte) ',');
        int topContentEnd = FieldValues.trimEnd(request, valueStart, topEnd);
        if (!FieldValues.hasParameter(request, valueStart, topContentEnd, "oc")) {
            out.put(request, cursor.lineStart(), fieldEnd);
            return;
        }
        int semi = FieldValues.topLevelIndexOf(request, valueStart, topContentEnd, (byte) ';');
        out.put(request, cursor.lineStart(), semi); // name, colon, sent-protocol and sent-by
        while (semi < topContentEnd) {
            int next = FieldValues.topLevelIndexOf(request, semi + 1, topContentEnd, (byte) ';');
            if (!isOverloadParameter(request, semi, topContentEnd)) {
                out.put(request, semi, next);
            }
            semi = next;
        }
        out.put(feedback.viaParameterBytes());
        out.put(request, topContentEnd, fieldEnd); // the other Via values of the same field, if any
    }

    private static boolean isOverloadParameter(byte[] request, int semi, int to) {
        for (String name : OverloadControlFeedback.VIA_PARAMETERS) {
            if (FieldValues.parameterNameIs(request, semi, to, name)) {
                return true;
            }
        }
        return false;
    }

    private static void writeTag(Composer out) {
        out.put(TAG);
        long random = ThreadLocalRandom.current().nextLong();
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.put(HEX[(int) (random >>> shift) & 0xF]);
        }
    }

    /**
     * The answer is composed in a per-thread array and written to the output buffer at once: one bounds and
     * reference-count check instead of one per small write. Sized with room to spare: every copied field took at
     * least three bytes of the head (name, colon, line feed) and grows by at most one (CR before LF), and the
     * status line, To tag, oc parameters and closing fields are added once.
     */
    static final class Composer {
        final byte[] bytes = new byte[2 * HeaderCursor.SCAN_LIMIT + 1024];
        int length;

        Composer reset() {
            length = 0;
            return this;
        }

        Composer put(byte b) {
            bytes[length++] = b;
            return this;
        }

        Composer put(byte[] src) {
            return put(src, 0, src.length);
        }

        Composer put(byte[] src, int from, int to) {
            int n = to - from;
            if (n > 0) {
                System.arraycopy(src, from, bytes, length, n);
                length += n;
            }
            return this;
        }

        Composer putDecimal(int value) {
            int divisor = 1;
            while (value / divisor >= 10) {
                divisor *= 10;
            }
            for (; divisor > 0; divisor /= 10) {
                put((byte) ('0' + value / divisor % 10));
            }
            return this;
        }
    }
}
