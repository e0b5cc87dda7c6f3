package org.sipcity.sip.container.e2e;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.annotation.SipApplicationKey;

/** Keys application sessions by the address-of-record, so every REGISTER of one user meets the same session. */
@javax.servlet.sip.annotation.SipServlet(name = "keyed")
public class KeyedRegistrarServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    static final Map<String, ConcurrentLinkedQueue<String>> SESSIONS_BY_USER = new ConcurrentHashMap<>();

    @SipApplicationKey
    public static String addressOfRecord(SipServletRequest request) {
        return ((SipURI) request.getTo().getURI()).getUser();
    }

    @Override
    protected void doRegister(SipServletRequest request) throws IOException {
        request.getApplicationSession().setInvalidateWhenReady(false);   // keep the user's session between REGISTERs
        SESSIONS_BY_USER.computeIfAbsent(addressOfRecord(request), u -> new ConcurrentLinkedQueue<>())
                .add(request.getApplicationSession().getId());
        request.createResponse(200).send();
    }
}
