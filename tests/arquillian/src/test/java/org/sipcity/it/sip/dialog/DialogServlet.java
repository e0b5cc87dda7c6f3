package org.sipcity.it.sip.dialog;

import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * The far end of SIPp's calls in {@code OverloadSippIT}: answers INVITE with 200; answers an INFO in the dialog and
 * sends an INFO back (its 200, from SIPp, is a response the server must take in while overloaded); answers BYE with
 * 200 and {@code X-Info-Answered: yes} once that 200 arrived (the tasks of one application session run in order, so
 * the 200 sent before the BYE is handled before it). OPTIONS are slow ({@value #OPTIONS_WORK_MILLIS} ms of
 * "work" on the worker), so that SIPp's OPTIONS load fills the worker queue; REGISTER is answered 200 at once.
 */
@javax.servlet.sip.annotation.SipServlet(name = "dialog-uas")
public class DialogServlet extends SipServlet {

    public static final long OPTIONS_WORK_MILLIS = 250;
    private static final String INFO_ANSWERED = "info-answered";
    private static final long serialVersionUID = 1L;

    @Override
    protected void doInvite(SipServletRequest request) throws IOException {
        request.createResponse(200).send();
    }

    /** Answers an INFO in the dialog and sends one back, whose 200 the server must take in. */
    @Override
    protected void doInfo(SipServletRequest request) throws IOException {
        request.createResponse(200).send();
        request.getSession().createRequest("INFO").send();
    }

    @Override
    protected void doSuccessResponse(SipServletResponse response) {
        if ("INFO".equals(response.getMethod())) {
            response.getSession().setAttribute(INFO_ANSWERED, Boolean.TRUE);
        }
    }

    @Override
    protected void doBye(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(200);
        ok.setHeader("X-Info-Answered", request.getSession().getAttribute(INFO_ANSWERED) != null ? "yes" : "no");
        ok.send();
    }

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        try {
            Thread.sleep(OPTIONS_WORK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        request.createResponse(200).send();
    }

    @Override
    protected void doRegister(SipServletRequest request) throws IOException {
        request.createResponse(200).send();
    }
}
