package org.sipcity.stack.address;

import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.parser.SipParseException;

/**
 * CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16). The sequence number must be below 2**31 (§8.1.1.5).
 */
public record CSeq(long sequence, SipMethod method) {

    /** The largest sequence number RFC 3261 §8.1.1.5 allows. */
    public static final long MAX_SEQUENCE = (1L << 31) - 1;

    public CSeq {
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("CSeq number out of range: " + sequence);
        }
        if (method == null) {
            throw new IllegalArgumentException("CSeq needs a method");
        }
    }

    public static CSeq parse(String s) throws SipParseException {
        return parse(s, 0, s.length());
    }

    /**
     * Parses {@code s[start, end)} (the parser reads it in the received bytes, see {@link WireText}); offsets in
     * the exception count from {@code start}. Allocates nothing but the result for an RFC method.
     */
    public static CSeq parse(CharSequence s, int start, int end) throws SipParseException {
        int pos = start;
        while (pos < end && SipChars.isWsp(s.charAt(pos))) {
            pos++;
        }
        int digitsStart = pos;
        long value = 0;
        while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            value = value * 10 + (s.charAt(pos) - '0');
            if (value > MAX_SEQUENCE) {
                throw SipParseException.badRequest("Invalid CSeq", digitsStart - start);
            }
            pos++;
        }
        int digitsEnd = pos;
        while (pos < end && SipChars.isWsp(s.charAt(pos))) {
            pos++;
        }
        if (digitsEnd == digitsStart || pos == digitsEnd) {
            throw SipParseException.badRequest("Invalid CSeq", pos - start);
        }
        int methodStart = pos;
        while (pos < end && SipChars.isTokenChar(s.charAt(pos))) {
            pos++;
        }
        int methodEnd = pos;
        while (pos < end && SipChars.isWsp(s.charAt(pos))) {
            pos++;
        }
        if (methodEnd == methodStart || pos != end) {
            throw SipParseException.badRequest("Invalid CSeq", pos - start);
        }
        return new CSeq(value, SipMethod.of(s, methodStart, methodEnd - methodStart));
    }

    @Override
    public String toString() {
        return sequence + " " + method.name();
    }
}
