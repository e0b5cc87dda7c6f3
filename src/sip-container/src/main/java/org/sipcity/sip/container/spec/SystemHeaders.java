package org.sipcity.sip.container.spec;

import java.util.Set;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;

/**
 * The system headers of JSR 289 §4.1.2: header fields the container manages, which applications may read but never
 * set, add or remove through the generic header methods.
 *
 * <ul>
 *   <li>Call-ID, From, To, CSeq, Via, Record-Route, RSeq, RAck: always (From and To change only through the
 *       address {@code getFrom()}/{@code getTo()} return, tags excepted).</li>
 *   <li>Path: except in responses to REGISTER, where the registrar returns the Path it stored (RFC 3327 §5.3); on a
 *       request it changes only through {@code pushPath}.</li>
 *   <li>Route: except on a request the application created and has not sent yet (then it sets its own route set;
 *       {@code pushRoute} is the usual way).</li>
 *   <li>Contact: except in REGISTER requests and their responses, 3xx and 485 responses, and 200 responses to
 *       OPTIONS (JSR 289 §4.1.3), where the application says where it can be reached.</li>
 *   <li>Content-Length: follows the content, set by the container.</li>
 * </ul>
 */
final class SystemHeaders {

    private static final Set<HeaderName> ALWAYS = Set.of(HeaderName.CALL_ID, HeaderName.FROM, HeaderName.TO,
            HeaderName.CSEQ, HeaderName.VIA, HeaderName.RECORD_ROUTE, HeaderName.RSEQ,
            HeaderName.RACK, HeaderName.CONTENT_LENGTH);

    private SystemHeaders() {
    }

    /** @throws IllegalArgumentException naming the header and the rule when {@code message} may not change it */
    static void checkModifiable(SipServletMessageImpl message, HeaderName name) {
        if (ALWAYS.contains(name)) {
            throw new IllegalArgumentException(name.canonicalName() + " is a system header managed by the container"
                    + " (JSR 289 §4.1.2)" + hint(name));
        }
        if (name.equals(HeaderName.ROUTE) && !(message instanceof SipServletRequestImpl request && request.isLocallyCreated())) {
            throw new IllegalArgumentException("Route is a system header of this message (JSR 289 §4.1.2);"
                    + " only a request the application creates may set its Route");
        }
        if (name.equals(HeaderName.PATH)
                && !(message instanceof SipServletResponseImpl && SipMethod.REGISTER.equals(message.method()))) {
            throw new IllegalArgumentException("Path is a system header here (JSR 289 §4.1.2): applications add it"
                    + " through pushPath, and write it only in responses to REGISTER (RFC 3327 §5.3)");
        }
        if (name.equals(HeaderName.CONTACT) && !contactWritable(message)) {
            throw new IllegalArgumentException("Contact is a system header here (JSR 289 §4.1.3): applications set it only"
                    + " in REGISTER requests and responses, 3xx and 485 responses, and 200 responses to OPTIONS");
        }
    }

    private static String hint(HeaderName name) {
        if (name.equals(HeaderName.FROM) || name.equals(HeaderName.TO)) {
            return "; change the display name or URI through getFrom()/getTo()";
        }
        if (name.equals(HeaderName.CONTENT_LENGTH)) {
            return "; it follows setContent()";
        }
        return "";
    }

    private static boolean contactWritable(SipServletMessageImpl message) {
        SipMethod method = message.method();
        if (SipMethod.REGISTER.equals(method)) {
            return true;
        }
        if (message instanceof SipServletResponseImpl response) {
            int status = response.getStatus();
            return status >= 300 && status < 400 || status == 485
                    || status == 200 && SipMethod.OPTIONS.equals(method);
        }
        return false;
    }
}
