package org.sipcity.stack.classify;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Sorts a buffered SIP message by its first line alone: request (with its method) or response (with its
 * status code), without finding the end of the message and without allocating anything.
 *
 * <p>The start line is checked against the grammar of RFC 3261 §25.1, strictly:
 * <pre>
 * Request-Line  =  Method SP Request-URI SP SIP-Version CRLF
 * Status-Line   =  SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * SIP-Version   =  "SIP" "/" 1*DIGIT "." 1*DIGIT          ; case-insensitive (§7.1)
 * Method        =  token                                  ; case-sensitive (§7.1)
 * </pre>
 * Leading CRLFs are skipped (§7.5: keep-alive residue on streams). The Request-URI is only required to be
 * a run of visible bytes; judging it is the parser's job. Status codes outside 100-699 are refused:
 * RFC 3261 §7.2 defines six classes only, and the RFC 4475 torture test "bigcode" says such a response is dropped.
 * The version number is not checked (a {@code SIP/7.0} request is a request, answered 505 by the parser).
 *
 * <p>The result is a packed {@code long}: read it with {@link #kind(long)}, {@link #methodId(long)} and
 * {@link #statusCode(long)}. Heap buffers are read through their backing array; other buffers through
 * {@link ByteBuf#getByte(int)} and {@link ByteBuf#getLongLE(int)}, which move no index.
 *
 * <p>Speed: the common start lines ({@code "SIP/2.0 "}, a known method and SP, a request's closing
 * {@code "SIP/2.0" CRLF}) are compared eight bytes at a time, and the Request-URI is scanned eight bytes at a time;
 * the general byte-by-byte path only runs for extension methods, other versions and malformed lines.
 */
public final class FirstLineClassifier {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';

    // Packed result: bits 0-1 kind, bits 8-15 method id, bits 16-31 status code.
    private static final int KIND_MASK = 0x3;
    private static final int METHOD_SHIFT = 8;
    private static final int STATUS_SHIFT = 16;
    private static final long INCOMPLETE = MessageKind.INCOMPLETE.ordinal();
    private static final long INVALID = MessageKind.INVALID.ordinal();
    /** Reads eight bytes of an array as one little-endian long: the first byte is the lowest. */
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Step result between the parts of a scan: the bytes ran out before the part was complete. */
    private static final int MORE = -1;
    /** Step result between the parts of a scan: the part is malformed. */
    private static final int BAD = -2;

    /** RFC 3261 §25.1: {@code token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")}. */
    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "-.!%*_+`'~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    // Known methods with the SP that follows, little-endian, for the eight-byte fast path; MASK_n keeps n bytes.
    private static final long MASK_4 = 0xFFFFFFFFL;
    private static final long MASK_5 = 0xFFFFFFFFFFL;
    private static final long MASK_6 = 0xFFFFFFFFFFFFL;
    private static final long MASK_7 = 0xFFFFFFFFFFFFFFL;
    private static final long ACK_SP = littleEndian("ACK ");
    private static final long BYE_SP = littleEndian("BYE ");
    private static final long INFO_SP = littleEndian("INFO ");
    private static final long PRACK_SP = littleEndian("PRACK ");
    private static final long REFER_SP = littleEndian("REFER ");
    private static final long INVITE_SP = littleEndian("INVITE ");
    private static final long CANCEL_SP = littleEndian("CANCEL ");
    private static final long NOTIFY_SP = littleEndian("NOTIFY ");
    private static final long UPDATE_SP = littleEndian("UPDATE ");
    private static final long OPTIONS_SP = littleEndian("OPTIONS ");
    private static final long PUBLISH_SP = littleEndian("PUBLISH ");
    private static final long MESSAGE_SP = littleEndian("MESSAGE ");
    private static final long REGISTER_LE = littleEndian("REGISTER");
    private static final long SUBSCRIB_LE = littleEndian("SUBSCRIB");
    private static final long SIP_2_0_SP = littleEndian("SIP/2.0 ");
    private static final long SIP_2_0_CR = littleEndian("SIP/2.0\r");
    /** "sip" packed big-endian and lower-cased: the SIP-Version literal is case-insensitive. */
    private static final long SIP_LOWER = pack("sip");

    private FirstLineClassifier() {
    }

    /**
     * Classifies the message starting at {@code offset}, looking only at bytes {@code [offset, offset + length)}.
     *
     * @return the packed classification, for {@link #kind(long)}, {@link #methodId(long)}, {@link #statusCode(long)}
     * @throws IndexOutOfBoundsException if the range is not within the buffer's capacity
     */
    public static long classify(ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.capacity());
        if (buf.hasArray()) {
            int start = buf.arrayOffset() + offset;
            return scan(buf.array(), null, start, start + length);
        }
        return scan(null, buf, offset, offset + length);
    }

    /**
     * Classifies the message starting at {@code offset}, looking only at bytes {@code [offset, offset + length)}.
     *
     * @return the packed classification, for {@link #kind(long)}, {@link #methodId(long)}, {@link #statusCode(long)}
     * @throws IndexOutOfBoundsException if the range is not within the array
     */
    public static long classify(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        return scan(buf, null, offset, offset + length);
    }

    /** What the classified bytes are. */
    public static MessageKind kind(long classification) {
        return MessageKind.ofOrdinal((int) classification & KIND_MASK);
    }

    /** The status code of a {@link MessageKind#RESPONSE}, 0 for anything else. */
    public static int statusCode(long classification) {
        return (int) (classification >>> STATUS_SHIFT) & 0xFFFF;
    }

    /**
     * The method of a {@link MessageKind#REQUEST}: a {@link KnownMethod} ordinal, {@code KnownMethod.EXTENSION.ordinal()}
     * for any other method; -1 for anything else.
     */
    public static int methodId(long classification) {
        if (((int) classification & KIND_MASK) != MessageKind.REQUEST.ordinal()) {
            return -1;
        }
        return (int) (classification >>> METHOD_SHIFT) & 0xFF;
    }

    /** The method of a {@link MessageKind#REQUEST}, {@code null} for anything else; does not allocate. */
    public static KnownMethod method(long classification) {
        int id = methodId(classification);
        return id < 0 ? null : KnownMethod.ofId(id);
    }

    /**
     * One scan over either {@code array} or {@code buf} (the other is null): the test is constant for a call,
     * so it predicts perfectly, and one copy of the grammar serves both kinds of buffer.
     */
    private static long scan(byte[] array, ByteBuf buf, int start, int end) {
        int i = start;
        // RFC 3261 §7.5: "implementations processing SIP messages over stream-oriented transports MUST ignore
        // any CRLF appearing before the start-line".
        int c;
        while (true) {
            if (i == end) {
                return INCOMPLETE;
            }
            c = at(array, buf, i);
            if (c != CR) {
                break;
            }
            if (i + 1 == end) {
                return INCOMPLETE;
            }
            if (at(array, buf, i + 1) != LF) {
                return INVALID;
            }
            i += 2;
        }

        if (end - i >= Long.BYTES) {
            // Fast path for what nearly every message starts with: "SIP/2.0 " or a known method and SP,
            // compared eight bytes at a time. Anything else takes the general path below.
            long word = word(array, buf, i);
            if (word == SIP_2_0_SP) {
                return status(array, buf, i + Long.BYTES, end);
            }
            KnownMethod method = knownMethodPrefix(array, buf, word, i, end);
            if (method != null) {
                return request(array, buf, method, i + methodLength(method) + 1, end);
            }
        }

        // Both start lines begin with a token: the method, or the "SIP" of the version.
        int tokenStart = i;
        long packed = 0;
        while (TOKEN[c & 0xFF]) {
            packed = (packed << 8) | (c & 0xFF);
            if (++i == end) {
                return INCOMPLETE;
            }
            c = at(array, buf, i);
        }
        int tokenLength = i - tokenStart;
        if (tokenLength == 0) {
            return INVALID;
        }
        if (c == SP) {
            // A known method followed by SP was caught by the fast path whenever eight bytes were there, and a
            // complete Request-Line is longer than that: what reaches here is an extension, or incomplete anyway.
            return request(array, buf, KnownMethod.EXTENSION, i + 1, end);
        }
        if (c == '/' && tokenLength == 3 && (packed | 0x202020L) == SIP_LOWER) {
            return response(array, buf, i + 1, end);
        }
        return INVALID;
    }

    private static long request(byte[] array, ByteBuf buf, KnownMethod method, int uriStart, int end) {
        // Request-URI: any visible bytes up to the next SP; an empty one (two SPs) is not a Request-Line.
        int i = firstNonVisible(array, buf, uriStart, end);
        if (i == end) {
            return INCOMPLETE;
        }
        if (i == uriStart || at(array, buf, i) != SP) {
            return INVALID;
        }
        long request = MessageKind.REQUEST.ordinal() | ((long) method.ordinal() << METHOD_SHIFT);
        i++;
        if (end - i > Long.BYTES && word(array, buf, i) == SIP_2_0_CR && at(array, buf, i + Long.BYTES) == LF) {
            return request;
        }
        i = sipVersion(array, buf, i, end);
        if (i < 0) {
            return i == MORE ? INCOMPLETE : INVALID;
        }
        int lineEnd = lineEnd(array, buf, i, end);
        if (lineEnd != 0) {
            return lineEnd == MORE ? INCOMPLETE : INVALID;
        }
        return request;
    }

    private static long response(byte[] array, ByteBuf buf, int versionNumberStart, int end) {
        int i = versionNumber(array, buf, versionNumberStart, end);
        if (i < 0) {
            return i == MORE ? INCOMPLETE : INVALID;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        if (at(array, buf, i) != SP) {
            return INVALID;
        }
        return status(array, buf, i + 1, end);
    }

    /** The rest of a Status-Line from its Status-Code. */
    private static long status(byte[] array, ByteBuf buf, int i, int end) {
        // Status-Code = 3DIGIT, then SP: "SIP/2.0 4294967301 ..." (RFC 4475 "bigcode") stops here.
        int status = 0;
        for (int n = 0; n < 3; n++, i++) {
            if (i == end) {
                return INCOMPLETE;
            }
            int d = at(array, buf, i) - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            status = status * 10 + d;
        }
        if (status < 100 || status > 699) {
            return INVALID;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        if (at(array, buf, i) != SP) {
            return INVALID;
        }
        i++;
        // Reason-Phrase: text without control characters other than HTAB (UTF-8 allowed), up to CRLF.
        while (true) {
            if (i == end) {
                return INCOMPLETE;
            }
            int c = at(array, buf, i);
            if (c == CR) {
                break;
            }
            if (c != '\t' && !visible(c) && c != SP) {
                return INVALID;
            }
            i++;
        }
        int lineStatus = lineEnd(array, buf, i, end);
        if (lineStatus != 0) {
            return lineStatus == MORE ? INCOMPLETE : INVALID;
        }
        return MessageKind.RESPONSE.ordinal() | ((long) status << STATUS_SHIFT);
    }

    /** Reads {@code "SIP/" 1*DIGIT "." 1*DIGIT} at {@code i}: the index after it, {@link #MORE}, or {@link #BAD}. */
    private static int sipVersion(byte[] array, ByteBuf buf, int i, int end) {
        long packed = 0;
        for (int n = 0; n < 3; n++, i++) {
            if (i == end) {
                return MORE;
            }
            packed = (packed << 8) | (at(array, buf, i) & 0xFF);
        }
        // OR-ing 0x20 lower-cases letters; no other byte maps onto 's', 'i' or 'p'.
        if ((packed | 0x202020L) != SIP_LOWER) {
            return BAD;
        }
        if (i == end) {
            return MORE;
        }
        if (at(array, buf, i) != '/') {
            return BAD;
        }
        return versionNumber(array, buf, i + 1, end);
    }

    /** Reads {@code 1*DIGIT "." 1*DIGIT} at {@code i}: the index after it, {@link #MORE}, or {@link #BAD}. */
    private static int versionNumber(byte[] array, ByteBuf buf, int i, int end) {
        i = digits(array, buf, i, end);
        if (i < 0) {
            return i;
        }
        if (at(array, buf, i) != '.') {
            return BAD;
        }
        i = digits(array, buf, i + 1, end);
        return i;
    }

    /** Skips 1*DIGIT: the index of the byte after the digits (which exists), {@link #MORE}, or {@link #BAD} if no digit. */
    private static int digits(byte[] array, ByteBuf buf, int i, int end) {
        int first = i;
        while (true) {
            if (i == end) {
                return MORE;
            }
            int d = at(array, buf, i) - '0';
            if (d < 0 || d > 9) {
                return i == first ? BAD : i;
            }
            i++;
        }
    }

    /** Checks CRLF at {@code i}: 0 if present, {@link #MORE} if cut short, {@link #BAD} if anything else is there. */
    private static int lineEnd(byte[] array, ByteBuf buf, int i, int end) {
        if (i == end) {
            return MORE;
        }
        if (at(array, buf, i) != CR) {
            return BAD;
        }
        if (i + 1 == end) {
            return MORE;
        }
        return at(array, buf, i + 1) == LF ? 0 : BAD;
    }

    /**
     * The known method that {@code word} (eight bytes from {@code i}, first byte lowest) starts with, followed by
     * SP; null if none does. The ninth and tenth bytes of REGISTER and SUBSCRIBE are read when needed.
     */
    private static KnownMethod knownMethodPrefix(byte[] array, ByteBuf buf, long word, int i, int end) {
        switch ((int) word & 0xFF) {
            case 'I':
                return (word & MASK_7) == INVITE_SP ? KnownMethod.INVITE
                        : (word & MASK_5) == INFO_SP ? KnownMethod.INFO : null;
            case 'A':
                return (word & MASK_4) == ACK_SP ? KnownMethod.ACK : null;
            case 'B':
                return (word & MASK_4) == BYE_SP ? KnownMethod.BYE : null;
            case 'C':
                return (word & MASK_7) == CANCEL_SP ? KnownMethod.CANCEL : null;
            case 'R':
                if (word == REGISTER_LE) {
                    return end - i > 8 && at(array, buf, i + 8) == SP ? KnownMethod.REGISTER : null;
                }
                return (word & MASK_6) == REFER_SP ? KnownMethod.REFER : null;
            case 'O':
                return word == OPTIONS_SP ? KnownMethod.OPTIONS : null;
            case 'P':
                return (word & MASK_6) == PRACK_SP ? KnownMethod.PRACK : word == PUBLISH_SP ? KnownMethod.PUBLISH : null;
            case 'S':
                return word == SUBSCRIB_LE && end - i > 9 && at(array, buf, i + 8) == 'E' && at(array, buf, i + 9) == SP
                        ? KnownMethod.SUBSCRIBE : null;
            case 'N':
                return (word & MASK_7) == NOTIFY_SP ? KnownMethod.NOTIFY : null;
            case 'M':
                return word == MESSAGE_SP ? KnownMethod.MESSAGE : null;
            case 'U':
                return (word & MASK_7) == UPDATE_SP ? KnownMethod.UPDATE : null;
            default:
                return null;
        }
    }

    private static int methodLength(KnownMethod method) {
        return method.name().length();
    }

    /**
     * The index of the first byte in {@code [i, end)} that is SP, a control byte or DEL, or {@code end}. The Request-URI
     * is the longest part of a Request-Line: it is scanned eight bytes at a time (SWAR, as Netty's
     * {@code ByteBufUtil.firstIndexOf}), then byte by byte for the tail.
     */
    private static int firstNonVisible(byte[] array, ByteBuf buf, int i, int end) {
        for (; end - i >= Long.BYTES; i += Long.BYTES) {
            long word = array != null ? (long) LONG_LE.get(array, i) : buf.getLongLE(i);
            // A byte below 0x21 sets its high bit in (word - 0x21..) & ~word; a byte equal to 0x7F is a zero byte of
            // word ^ 0x7F... Borrows can only flag bytes above a real match, so the lowest flag is the first match.
            long below = (word - 0x2121212121212121L) & ~word;
            long del = word ^ 0x7F7F7F7F7F7F7F7FL;
            long matches = (below | ((del - 0x0101010101010101L) & ~del)) & 0x8080808080808080L;
            if (matches != 0) {
                return i + (Long.numberOfTrailingZeros(matches) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (!visible(at(array, buf, i))) {
                return i;
            }
        }
        return end;
    }

    /** A byte that may appear in a Request-URI as far as this classifier cares: not a control byte, not SP. */
    private static boolean visible(int c) {
        // Signed bytes: 0x80-0xFF are negative and allowed (the parser judges them).
        return c > SP && c != 0x7F || c < 0;
    }

    /** Eight bytes from {@code index} as a little-endian long: the byte at {@code index} is the lowest. */
    private static long word(byte[] array, ByteBuf buf, int index) {
        return array != null ? (long) LONG_LE.get(array, index) : buf.getLongLE(index);
    }

    private static long littleEndian(String ascii) {
        long packed = 0;
        for (int i = ascii.length() - 1; i >= 0; i--) {
            packed = (packed << 8) | ascii.charAt(i);
        }
        return packed;
    }

    private static byte at(byte[] array, ByteBuf buf, int index) {
        return array != null ? array[index] : buf.getByte(index);
    }

    private static long pack(String ascii) {
        long packed = 0;
        for (int i = 0; i < ascii.length(); i++) {
            packed = (packed << 8) | ascii.charAt(i);
        }
        return packed;
    }
}
