package org.sipcity.it.sip.app;

import jakarta.inject.Inject;
import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/** Answers OPTIONS with 200, naming in a header the CDI bean that was injected into it. */
@javax.servlet.sip.annotation.SipServlet(name = "options")
public class OptionsServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    Capabilities capabilities;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("Allow", capabilities.allow());
        ok.send();
    }
}
