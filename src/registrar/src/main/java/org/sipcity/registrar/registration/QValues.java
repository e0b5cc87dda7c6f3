package org.sipcity.registrar.registration;

/**
 * RFC 3261 §25.1 qvalue: {@code ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )}, held as thousandths.
 */
final class QValues {

    private QValues() {
    }

    /** Thousandths 0..1000, or -1 when the text is not a qvalue. */
    static int parse(String text) {
        int length = text.length();
        if (length == 0 || length > 5 || (text.charAt(0) != '0' && text.charAt(0) != '1')) {
            return -1;
        }
        int whole = text.charAt(0) - '0';
        if (length == 1) {
            return whole * 1000;
        }
        if (text.charAt(1) != '.') {
            return -1;
        }
        int fraction = 0;
        int scale = 100;
        for (int i = 2; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (whole == 1 && c != '0')) {
                return -1;
            }
            fraction += (c - '0') * scale;
            scale /= 10;
        }
        return whole * 1000 + fraction;
    }

    static String format(int millis) {
        if (millis == 1000) {
            return "1";
        }
        String digits = Integer.toString(1000 + millis).substring(1);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return "0." + digits.substring(0, end);
    }
}
