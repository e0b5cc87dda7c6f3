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
        int end = s.length();
        int pos = 0;
        while (pos < end && SipChars.isWsp(s.charAt(pos))) {
            pos++;
        }
        int digitsStart = pos;
        long value = 0;
        while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            value = value * 10 + (s.charAt(pos) - '0');
            if (value > MAX_SEQUENCE) {
                throw SipParseException.badRequest("Invalid CSeq", digitsStart);
            }
            pos++;
        }
        int digitsEnd = pos;
        while (pos < end && SipChars.isWsp(s.charAt(pos))) {
            pos++;
        }
        if (digitsEnd == digitsStart || pos == digitsEnd) {
            throw SipParseException.badRequest("Invalid CSeq", pos);
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
            throw SipParseException.badRequest("Invalid CSeq", pos);
        }
        return new CSeq(value, SipMethod.of(s.substring(methodStart, methodEnd)));
    }

    @Override
    public String toString() {
        return sequence + " " + method.name();
    }
}
