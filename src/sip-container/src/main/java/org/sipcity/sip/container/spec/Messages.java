package org.sipcity.sip.container.spec;

import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;

/** Copies of stack messages (the stack has no clone: its messages are views of the bytes they were parsed from). */
public final class Messages {

    private Messages() {
    }

    /** A new request with the same method, Request-URI, header fields (in order of first appearance) and body. */
    public static SipRequest copy(SipRequest source) {
        SipRequest copy = SipRequest.create(source.getMethod(), source.getRequestUri());
        for (HeaderName name : source.getHeaderNames()) {
            if (name.equals(HeaderName.CONTENT_LENGTH) || name.equals(HeaderName.CONTENT_TYPE)) {
                continue;
            }
            for (String value : source.getHeaders(name)) {
                copy.addHeader(name, value);
            }
        }
        copy.setBody(source.getBody(), source.getHeader(HeaderName.CONTENT_TYPE));
        return copy;
    }
}
