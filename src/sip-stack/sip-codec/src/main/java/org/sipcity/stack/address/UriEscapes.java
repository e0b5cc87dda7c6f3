package org.sipcity.stack.address;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.sipcity.stack.parser.SipParseException;

/** %-escapes of URI components (RFC 3261 §19.1.2, §25.1 {@code escaped = "%" HEXDIG HEXDIG}). */
final class UriEscapes {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEscapes() {
    }

    /**
     * Reads the component text[start, end), allowing the characters of {@code allowed} and escapes, and
     * returns it unescaped (escaped octets read as UTF-8).
     */
    static String decode(String text, int start, int end, int allowed, String what) throws SipParseException {
        boolean escaped = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= end || SipChars.hexValue(text.charAt(i + 1)) < 0 || SipChars.hexValue(text.charAt(i + 2)) < 0) {
                    throw SipParseException.badRequest("Invalid escape in " + what, i);
                }
                escaped = true;
                i += 2;
            } else if (!SipChars.is(c, allowed)) {
                throw SipParseException.badRequest("Invalid " + what, i);
            }
        }
        if (!escaped) {
            return text.substring(start, end);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                bytes.write(SipChars.hexValue(text.charAt(i + 1)) << 4 | SipChars.hexValue(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Appends {@code value}, escaping every character outside {@code allowed} as UTF-8 octets. */
    static void encode(StringBuilder sb, String value, int allowed) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (SipChars.is(c, allowed)) {
                sb.append(c);
            } else if (c < 0x80) {
                appendOctet(sb, c);
            } else {
                int cp = value.codePointAt(i);
                if (Character.charCount(cp) == 2) {
                    i++;
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    appendOctet(sb, b & 0xFF);
                }
            }
        }
    }

    private static void appendOctet(StringBuilder sb, int octet) {
        sb.append('%').append(HEX[octet >> 4]).append(HEX[octet & 0xF]);
    }
}
