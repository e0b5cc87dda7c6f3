package org.sipcity.it.sip.naming;

import jakarta.annotation.Resource;
import java.io.IOException;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSessionsUtil;
import javax.servlet.sip.TimerService;

/**
 * Answers OPTIONS with 200 and proves in headers, on the container's worker thread, that its {@code java:comp}
 * lookup and its {@code @Resource} fields give the application's services: {@code X-Lookup} says whether the looked-up
 * SipFactory is the injected one, {@code Contact} is an address built by the injected factory.
 */
@javax.servlet.sip.annotation.SipServlet(name = "naming")
public class NamingServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    static final String APPLICATION = "naming-app";

    @Resource
    SipFactory sipFactory;

    @Resource
    SipSessionsUtil sessionsUtil;

    private TimerService timerService;

    @Resource
    void setTimerService(TimerService timerService) {
        this.timerService = timerService;
    }

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        try {
            Object found = new InitialContext().lookup("java:comp/env/sip/" + APPLICATION + "/SipFactory");
            ok.setHeader("X-Lookup", found == sipFactory ? "same-as-injected" : "different: " + found);
        } catch (NamingException e) {
            ok.setHeader("X-Lookup", "failed: " + e);
        }
        try {
            ok.setAddressHeader("Contact", sipFactory.createAddress("<sip:injected@127.0.0.1>"));
        } catch (javax.servlet.sip.ServletParseException e) {
            throw new IOException(e);
        }
        ok.setHeader("X-Sessions-Util", String.valueOf(sessionsUtil == getServletContext().getAttribute(SIP_SESSIONS_UTIL)));
        ok.setHeader("X-Timer-Service", String.valueOf(timerService == getServletContext().getAttribute(TIMER_SERVICE)));
        ok.send();
    }
}
