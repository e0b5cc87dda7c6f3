package org.sipcity.stack.overload;

/**
 * Byte scans inside one header field value: the top-level separators (those outside quoted strings, RFC 3261
 * §25.1, and outside the angle brackets of a name-addr, §20.10, where {@code ;} belongs to the URI) and the
 * names of header parameters. Nothing is copied or parsed.
 */
final class FieldValues {

    private FieldValues() {
    }

    /** Index of the first top-level {@code separator} in [from, to), or {@code to} if there is none. */
    static int topLevelIndexOf(byte[] buf, int from, int to, byte separator) {
        boolean quoted = false;
        boolean bracketed = false;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (quoted) {
                if (b == '\\') {
                    i++; // quoted-pair
                } else if (b == '"') {
                    quoted = false;
                }
            } else if (b == '"') {
                quoted = true;
            } else if (bracketed) {
                bracketed = b != '>';
            } else if (b == '<') {
                bracketed = true;
            } else if (b == separator) {
                return i;
            }
        }
        return to;
    }

    /** Whether the value in [from, to) has the header parameter {@code lowerCaseName} (a flag or with a value). */
    static boolean hasParameter(byte[] buf, int from, int to, String lowerCaseName) {
        int semi = topLevelIndexOf(buf, from, to, (byte) ';');
        while (semi < to) {
            if (parameterNameIs(buf, semi, to, lowerCaseName)) {
                return true;
            }
            semi = topLevelIndexOf(buf, semi + 1, to, (byte) ';');
        }
        return false;
    }

    /** Whether the parameter introduced by the {@code ;} at {@code semi} is named {@code lowerCaseName}. */
    static boolean parameterNameIs(byte[] buf, int semi, int to, String lowerCaseName) {
        int start = skipWhitespace(buf, semi + 1, to);
        int end = parameterNameEnd(buf, start, to);
        if (end - start != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            if ((buf[start + i] | 0x20) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** End of a parameter name starting at {@code start}: at '=', ';', ',', whitespace or {@code to}. */
    static int parameterNameEnd(byte[] buf, int start, int to) {
        int i = start;
        while (i < to) {
            byte b = buf[i];
            if (b == '=' || b == ';' || b == ',' || HeaderCursor.isLinearWhitespace(b)) {
                break;
            }
            i++;
        }
        return i;
    }

    static int skipWhitespace(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && HeaderCursor.isLinearWhitespace(buf[i])) {
            i++;
        }
        return i;
    }

    /** End of [from, to) with trailing whitespace removed. */
    static int trimEnd(byte[] buf, int from, int to) {
        int end = to;
        while (end > from && HeaderCursor.isLinearWhitespace(buf[end - 1])) {
            end--;
        }
        return end;
    }
}
