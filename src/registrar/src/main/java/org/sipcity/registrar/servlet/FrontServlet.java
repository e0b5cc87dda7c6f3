package org.sipcity.registrar.servlet;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;

import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;

/**
 * The application's main servlet (JSR 289 §16.2): it only selects the servlet of an initial request — REGISTER to
 * the registrar, everything else to the proxy — makes it the handler of the request's session (so that responses,
 * CANCEL and in-dialog requests reach it too) and forwards the request to it.
 */
@javax.servlet.sip.annotation.SipServlet(name = "front", loadOnStartup = 3,
        description = "Selects the registrar or the proxy for each initial request")
public class FrontServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    static final String REGISTRAR = "registrar";
    static final String PROXY = "proxy";

    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        String handler = "REGISTER".equals(request.getMethod()) ? REGISTRAR : PROXY;
        request.getSession().setHandler(handler);
        RequestDispatcher dispatcher = getServletContext().getNamedDispatcher(handler);
        if (dispatcher == null) {
            throw new ServletException("The container gives no dispatcher to SIP servlet '" + handler + "'");
        }
        dispatcher.forward(request, null);
    }
}
