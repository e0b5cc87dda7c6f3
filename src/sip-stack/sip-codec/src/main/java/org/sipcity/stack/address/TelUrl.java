package org.sipcity.stack.address;

import org.sipcity.stack.parser.SipParseException;

/**
 * A tel: URI (RFC 3966 §3). The number is kept as written, visual separators included;
 * {@link #digits()} strips them for comparison.
 *
 * <pre>
 * telephone-uri = "tel:" telephone-subscriber
 * global-number = "+" 1*phonedigit *par            phonedigit     = DIGIT / visual-separator
 * local-number  = 1*phonedigit-hex *par context *par   phonedigit-hex = HEXDIG / "*" / "#" / visual-separator
 * par = parameter / extension / isdn-subaddress   parameter = ";" pname ["=" pvalue]
 * </pre>
 */
public final class TelUrl extends Uri {

    private static final int PVALUE_CHARS = SipChars.UNRESERVED | SipChars.PARAM_UNRESERVED;

    private final String number;
    private final Parameters parameters;
    private String text;

    private TelUrl(String number, Parameters parameters) {
        this.number = number;
        this.parameters = parameters;
    }

    public static TelUrl parse(String s) throws SipParseException {
        if (s.length() < 5 || !s.regionMatches(true, 0, "tel:", 0, 4)) {
            throw SipParseException.badRequest("Invalid tel URI", 0);
        }
        int pos = 4;
        boolean global = s.charAt(pos) == '+';
        int numberStart = pos;
        if (global) {
            pos++;
        }
        int digits = 0;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            boolean separator = c == '-' || c == '.' || c == '(' || c == ')';
            boolean digit = c >= '0' && c <= '9'
                    || !global && (SipChars.hexValue(c) >= 0 || c == '*' || c == '#');
            if (!separator && !digit) {
                break;
            }
            if (digit) {
                digits++;
            }
            pos++;
        }
        if (digits == 0) {
            throw SipParseException.badRequest("Invalid tel URI number", numberStart);
        }
        String number = s.substring(numberStart, pos);
        Parameters params = new Parameters();
        while (pos < s.length()) {
            if (s.charAt(pos) != ';') {
                throw SipParseException.badRequest("Invalid tel URI", pos);
            }
            int nameStart = ++pos;
            while (pos < s.length() && (SipChars.isAlphanum(s.charAt(pos)) || s.charAt(pos) == '-')) {
                pos++;
            }
            if (pos == nameStart) {
                throw SipParseException.badRequest("Invalid tel URI parameter", pos);
            }
            String name = s.substring(nameStart, pos);
            String value = null;
            if (pos < s.length() && s.charAt(pos) == '=') {
                int valueStart = ++pos;
                while (pos < s.length() && (s.charAt(pos) == '%' || SipChars.is(s.charAt(pos), PVALUE_CHARS))) {
                    pos++;
                }
                if (pos == valueStart) {
                    throw SipParseException.badRequest("Invalid tel URI parameter", pos);
                }
                value = UriEscapes.decode(s, valueStart, pos, PVALUE_CHARS, "tel URI parameter");
            }
            params.append(name, value);
        }
        if (!global && !params.has("phone-context")) {
            // RFC 3966 §5.1.5: a local number MUST carry a phone-context
            throw SipParseException.badRequest("Local tel URI without phone-context", s.length());
        }
        return new TelUrl(number, params.readOnly());
    }

    @Override
    public String scheme() {
        return "tel";
    }

    /** The number as written, with a leading '+' for a global number and any visual separators. */
    public String number() {
        return number;
    }

    /** The number without visual separators (RFC 3966 §4: they are ignored in comparisons). */
    public String digits() {
        StringBuilder sb = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c != '-' && c != '.' && c != '(' && c != ')') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public boolean isGlobal() {
        return number.charAt(0) == '+';
    }

    public Parameters parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder("tel:").append(number);
            for (int i = 0; i < parameters.size(); i++) {
                sb.append(';').append(parameters.nameAt(i));
                if (parameters.valueAt(i) != null) {
                    sb.append('=');
                    UriEscapes.encode(sb, parameters.valueAt(i), PVALUE_CHARS);
                }
            }
            text = t = sb.toString();
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TelUrl other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
