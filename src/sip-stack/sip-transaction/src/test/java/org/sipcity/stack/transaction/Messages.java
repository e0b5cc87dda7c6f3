package org.sipcity.stack.transaction;

import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/** Builds the requests and responses of the tests through the message model's public API. */
final class Messages {

    static final String CALL_ID = "a84b4c76e66710@pc33.atlanta.example.com";
    static final String FROM = "Alice <sip:alice@atlanta.example.com>;tag=1928301774";
    static final String TO = "Bob <sip:bob@biloxi.example.com>";

    private Messages() {
    }

    static SipUri uri(String text) {
        try {
            return SipUri.parse(text);
        } catch (Exception e) {
            throw new AssertionError("test URI does not parse: " + text, e);
        }
    }

    /** A request as a UAC at pc33.atlanta.example.com sends it, with the given top Via branch. */
    static SipRequest request(SipMethod method, String branch) {
        return request(method, branch, "pc33.atlanta.example.com", 5060, 314159);
    }

    static SipRequest request(SipMethod method, String branch, String viaHost, int viaPort, long cseq) {
        SipRequest request = SipRequest.create(method, uri("sip:bob@biloxi.example.com"));
        request.setHeader(HeaderName.VIA, "SIP/2.0/UDP " + viaHost + ":" + viaPort + ";branch=" + branch);
        request.setHeader(HeaderName.MAX_FORWARDS, "70");
        request.setHeader(HeaderName.TO, TO);
        request.setHeader(HeaderName.FROM, FROM);
        request.setHeader(HeaderName.CALL_ID, CALL_ID);
        request.setHeader(HeaderName.CSEQ, cseq + " " + method.name());
        return request;
    }

    /** A response to {@code request}; a To tag is added from 101 on, as a UAS does (§8.2.6.2). */
    static SipResponse response(SipRequest request, int status) {
        SipResponse response = request.createResponse(status, reason(status));
        if (status > 100 && response.getToTag() == null) {
            response.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO) + ";tag=a6c85cf");
        }
        return response;
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Trying";
            case 180 -> "Ringing";
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 486 -> "Busy Here";
            case 487 -> "Request Terminated";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    /** The ACK a UAC sends for a non-2xx final response (§17.1.1.3): same branch as the INVITE. */
    static SipRequest ackFor(SipRequest invite, SipResponse response) {
        SipRequest ack = SipRequest.create(SipMethod.ACK, invite.getRequestUri());
        ack.setHeader(HeaderName.VIA, invite.getHeader(HeaderName.VIA));
        ack.setHeader(HeaderName.MAX_FORWARDS, "70");
        ack.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO));
        ack.setHeader(HeaderName.FROM, invite.getHeader(HeaderName.FROM));
        ack.setHeader(HeaderName.CALL_ID, invite.getHeader(HeaderName.CALL_ID));
        ack.setHeader(HeaderName.CSEQ, invite.getCSeq().sequence() + " ACK");
        return ack;
    }

    /** The CANCEL a UAC sends for {@code invite} (§9.1): same branch, same Request-URI, To, From, Call-ID, CSeq number. */
    static SipRequest cancelFor(SipRequest invite) {
        SipRequest cancel = SipRequest.create(SipMethod.CANCEL, invite.getRequestUri());
        cancel.setHeader(HeaderName.VIA, invite.getHeader(HeaderName.VIA));
        cancel.setHeader(HeaderName.MAX_FORWARDS, "70");
        cancel.setHeader(HeaderName.TO, invite.getHeader(HeaderName.TO));
        cancel.setHeader(HeaderName.FROM, invite.getHeader(HeaderName.FROM));
        cancel.setHeader(HeaderName.CALL_ID, invite.getHeader(HeaderName.CALL_ID));
        cancel.setHeader(HeaderName.CSEQ, invite.getCSeq().sequence() + " CANCEL");
        return cancel;
    }
}
