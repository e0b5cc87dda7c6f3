package org.sipcity.stack.transaction;

import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/** Builds the requests the transaction layer derives from an INVITE: the ACK for a non-2xx and the CANCEL. */
final class Requests {

    /** §8.1.1.6: "a UAC MUST insert a Max-Forwards header field ... which SHOULD be 70". */
    private static final String MAX_FORWARDS = "70";

    private Requests() {
    }

    /**
     * RFC 3261 §17.1.1.3: "The ACK request constructed by the client transaction MUST contain
     * values for the Call-ID, From, and Request-URI that are equal to the values of those header
     * fields in the request passed to the transport by the client transaction ... The To header
     * field in the ACK MUST equal the To header field in the response being acknowledged ... The
     * ACK MUST contain a single Via header field, and this MUST be equal to the top Via header
     * field of the original request. The CSeq header field in the ACK MUST contain the same value
     * for the sequence number as was present in the original request, but the method parameter
     * MUST be equal to "ACK". If the INVITE request whose response is being acknowledged had Route
     * header fields, those header fields MUST appear in the ACK."
     */
    static SipRequest ackFor(SipRequest invite, SipResponse response) {
        SipRequest ack = SipRequest.create(SipMethod.ACK, invite.getRequestUri());
        copyRoutingHeaders(invite, ack);
        ack.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO));
        ack.setHeader(HeaderName.CSEQ, invite.getCSeq().sequence() + " " + SipMethod.ACK.name());
        return ack;
    }

    /**
     * RFC 3261 §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header
     * fields in the CANCEL request MUST be identical to those in the request being cancelled,
     * including tags. A CANCEL constructed by a client MUST have only a single Via header field
     * value matching the top Via value in the request being cancelled ... If the request being
     * cancelled contains a Route header field, the CANCEL request MUST include that Route header
     * field's values."
     */
    static SipRequest cancelFor(SipRequest invite) {
        SipRequest cancel = SipRequest.create(SipMethod.CANCEL, invite.getRequestUri());
        copyRoutingHeaders(invite, cancel);
        cancel.setHeader(HeaderName.TO, invite.getHeader(HeaderName.TO));
        cancel.setHeader(HeaderName.CSEQ, invite.getCSeq().sequence() + " " + SipMethod.CANCEL.name());
        return cancel;
    }

    /** Top Via, Route set, Max-Forwards, From and Call-ID, shared by ACK and CANCEL. */
    private static void copyRoutingHeaders(SipRequest invite, SipRequest derived) {
        derived.setHeader(HeaderName.VIA, invite.getHeader(HeaderName.VIA));
        for (String route : invite.getHeaders(HeaderName.ROUTE)) {
            derived.addHeader(HeaderName.ROUTE, route);
        }
        derived.setHeader(HeaderName.MAX_FORWARDS, MAX_FORWARDS);
        derived.setHeader(HeaderName.FROM, invite.getHeader(HeaderName.FROM));
        derived.setHeader(HeaderName.CALL_ID, invite.getHeader(HeaderName.CALL_ID));
    }
}
