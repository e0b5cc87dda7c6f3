package org.sipcity.it.sip.plain;

import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/** Answers OPTIONS with 200, naming in a header the application its sip.xml declares. */
public class PlainOptionsServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("X-Application", getServletContext().getServletContextName());
        ok.send();
    }
}
