package org.sipcity.it.sip.beans;

import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;

/** Makes the archive a SIP application: answers OPTIONS with 200. */
@javax.servlet.sip.annotation.SipServlet(name = "ping")
public class PingServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        request.createResponse(200).send();
    }
}
