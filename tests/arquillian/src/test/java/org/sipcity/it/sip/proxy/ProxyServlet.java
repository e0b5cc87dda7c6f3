package org.sipcity.it.sip.proxy;

import jakarta.servlet.ServletException;
import java.io.IOException;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.TooManyHopsException;

/**
 * Proxies every initial INVITE and OPTIONS to its Request-URI (the server is the caller's outbound proxy), staying
 * on the path of the dialog by Record-Route (JSR 289 §10.2, RFC 3261 §16.6 step 4).
 */
@javax.servlet.sip.annotation.SipServlet(name = "proxy")
public class ProxyServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doInvite(SipServletRequest request) throws ServletException, IOException {
        proxy(request);
    }

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        proxy(request);
    }

    /** @throws TooManyHopsException Max-Forwards is 0: the container answers 483 (JSR 289 §10.2.1) */
    private static void proxy(SipServletRequest request) throws TooManyHopsException {
        if (!request.isInitial()) {
            return;   // requests inside a record-routed dialog are routed by the container
        }
        Proxy proxy = request.getProxy();
        proxy.setRecordRoute(true);
        proxy.proxyTo(request.getRequestURI());
    }
}
