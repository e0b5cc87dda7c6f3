package org.sipcity.stack.address;

/**
 * Character classes of the RFC 3261 §25.1 grammar, as bit masks over ASCII. Characters at or above 0x80 are
 * in no class here: the places that admit UTF-8 (quoted strings, reason phrases) test for them on their own.
 */
public final class SipChars {

    static final int ALPHANUM = 1;
    /** mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"; unreserved = alphanum / mark. */
    static final int UNRESERVED = 1 << 1;
    /** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
    static final int TOKEN = 1 << 2;
    /** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/". */
    static final int USER_UNRESERVED = 1 << 3;
    /** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ). */
    static final int PASSWORD_UNRESERVED = 1 << 4;
    /** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$". */
    static final int PARAM_UNRESERVED = 1 << 5;
    /** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$". */
    static final int HNV_UNRESERVED = 1 << 6;
    /** reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ",". */
    static final int RESERVED = 1 << 7;
    /** word (Call-ID) = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")"
     *  / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}"). */
    static final int WORD = 1 << 8;

    private static final int[] CLASSES = new int[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            add(c, ALPHANUM);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            add(c, ALPHANUM);
            add(Character.toUpperCase(c), ALPHANUM);
        }
        for (int i = 0; i < 128; i++) {
            if ((CLASSES[i] & ALPHANUM) != 0) {
                CLASSES[i] |= UNRESERVED | TOKEN | WORD;
            }
        }
        addAll("-_.!~*'()", UNRESERVED);
        addAll("-.!%*_+`'~", TOKEN);
        addAll("&=+$,;?/", USER_UNRESERVED);
        addAll("&=+$,", PASSWORD_UNRESERVED);
        addAll("[]/:&+$", PARAM_UNRESERVED);
        addAll("[]/?:+$", HNV_UNRESERVED);
        addAll(";/?:@&=+$,", RESERVED);
        addAll("-.!%*_+`'~()<>:\\\"/[]?{}", WORD);
    }

    private SipChars() {
    }

    private static void add(char c, int cls) {
        CLASSES[c] |= cls;
    }

    private static void addAll(String chars, int cls) {
        for (int i = 0; i < chars.length(); i++) {
            add(chars.charAt(i), cls);
        }
    }

    static boolean is(int c, int cls) {
        return c >= 0 && c < 128 && (CLASSES[c] & cls) != 0;
    }

    public static boolean isTokenChar(int c) {
        return is(c, TOKEN);
    }

    public static boolean isAlphanum(int c) {
        return is(c, ALPHANUM);
    }

    public static boolean isWordChar(int c) {
        return is(c, WORD);
    }

    /** True when {@code s} is a non-empty token (RFC 3261 §25.1). */
    public static boolean isToken(CharSequence s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code c} is a space or horizontal tab (WSP). */
    public static boolean isWsp(int c) {
        return c == ' ' || c == '\t';
    }

    static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
