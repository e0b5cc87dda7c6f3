package org.sipcity.stack.transaction;

import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import java.util.List;

/**
 * What an INVITE client transaction keeps of its request to build the ACK for a non-2xx response
 * and the CANCEL: read once, on the TU's thread, when the transaction is created. After that the
 * INVITE belongs to the transport (retransmissions encode it), and the message model is not
 * thread-safe, so the transaction never reads it again.
 */
record InviteFields(Uri requestUri, String topVia, List<String> routes, String from, String to, String callId,
                long cseq) {

    /** §8.1.1.6: "a UAC MUST insert a Max-Forwards header field ... which SHOULD be 70". */
    private static final String MAX_FORWARDS = "70";

    static InviteFields of(SipRequest invite) {
        return new InviteFields(invite.getRequestUri(), invite.getHeader(HeaderName.VIA), invite.getHeaders(HeaderName.ROUTE),
                invite.getHeader(HeaderName.FROM), invite.getHeader(HeaderName.TO), invite.getCallId(),
                invite.getCSeq().sequence());
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
    SipRequest ackFor(SipResponse response) {
        return build(SipMethod.ACK, response.getHeader(HeaderName.TO));
    }

    /**
     * RFC 3261 §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header
     * fields in the CANCEL request MUST be identical to those in the request being cancelled,
     * including tags. A CANCEL constructed by a client MUST have only a single Via header field
     * value matching the top Via value in the request being cancelled ... If the request being
     * cancelled contains a Route header field, the CANCEL request MUST include that Route header
     * field's values."
     */
    SipRequest cancel() {
        return build(SipMethod.CANCEL, to);
    }

    private SipRequest build(SipMethod method, String toValue) {
        SipRequest request = SipRequest.create(method, requestUri);
        request.setHeader(HeaderName.VIA, topVia);
        for (String route : routes) {
            request.addHeader(HeaderName.ROUTE, route);
        }
        request.setHeader(HeaderName.MAX_FORWARDS, MAX_FORWARDS);
        request.setHeader(HeaderName.FROM, from);
        request.setHeader(HeaderName.TO, toValue);
        request.setHeader(HeaderName.CALL_ID, callId);
        request.setHeader(HeaderName.CSEQ, cseq + " " + method.name());
        return request;
    }
}
