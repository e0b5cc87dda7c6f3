package org.sipcity.sip.container.core;

import org.jboss.logging.Logger;
import org.sipcity.sip.container.spec.ProxyBranchImpl;
import org.sipcity.sip.container.spec.SipApplicationSessionImpl;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.sip.container.spec.SipServletResponseImpl;
import org.sipcity.sip.container.spec.SipSessionImpl;
import org.sipcity.stack.message.SipMethod;

/**
 * Calls the servlet for one message on a worker, inside the application's {@link ApplicationThreadContext} (class
 * loader and the embedding server's thread setups), session
 * access times touched, and a servlet failure turned into a 500 for a request still unanswered (the client must not
 * wait for Timer F because a servlet threw). After the call, sessions that became ready are invalidated.
 */
final class ServletInvoker {

    private static final Logger LOG = Logger.getLogger(ServletInvoker.class);

    void request(SipServletRequestImpl request) {
        SipSessionImpl session = request.sipSession();
        SipApplicationSessionImpl applicationSession = session.applicationSession();
        SipApplication application = session.application();
        if (!session.isValid()) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Request for an invalidated session dropped: %s", session);
            }
            return;
        }
        session.access();
        applicationSession.access();
        try (ApplicationThreadContext.Scope scope = application.threadContext().enter()) {
            try {
                application.servletFor(session).service(request, null);
            } catch (Throwable t) {
                LOG.errorf(t, "SIP servlet of application %s failed on %s", application.name(), request.getMethod());
                answerFailure(request);
            } finally {
                afterTask(applicationSession);
            }
        }
    }

    void response(SipServletResponseImpl response) {
        SipSessionImpl session = response.sipSession();
        SipApplicationSessionImpl applicationSession = session.applicationSession();
        SipApplication application = session.application();
        if (!session.isValid()) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Response for an invalidated session dropped: %s", session);
            }
            return;
        }
        session.access();
        applicationSession.access();
        session.responseReceived(response);
        try (ApplicationThreadContext.Scope scope = application.threadContext().enter()) {
            try {
                application.servletFor(session).service(null, response);
            } catch (Throwable t) {
                LOG.errorf(t, "SIP servlet of application %s failed on a %d response", application.name(), response.getStatus());
            } finally {
                afterTask(applicationSession);
            }
        }
    }

    /** A response on a proxy branch: the proxy decides what goes upstream and when the servlet sees it. */
    void proxyResponse(ProxyBranchImpl branch, SipServletResponseImpl response) {
        SipSessionImpl session = response.sipSession();
        if (session == null) {
            branch.proxy().branchResponse(branch, response, null);   // forwarded by Route: no application
            afterProxiedDialogRequest(branch.proxy().proxiedDialog());
            return;
        }
        SipApplicationSessionImpl applicationSession = session.applicationSession();
        SipApplication application = session.application();
        session.access();
        applicationSession.access();
        try (ApplicationThreadContext.Scope scope = application.threadContext().enter()) {
            try {
                branch.proxy().branchResponse(branch, response, r -> callServlet(application, session, r));
            } catch (RuntimeException e) {
                LOG.errorf(e, "Proxying a %d response of application %s failed", response.getStatus(), application.name());
            } finally {
                afterTask(applicationSession);
            }
        }
    }

    /** A request of a record-routed dialog may have ended it (BYE): free its proxy session if it is now ready. */
    private static void afterProxiedDialogRequest(SipSessionImpl proxiedDialog) {
        if (proxiedDialog == null || !proxiedDialog.isValid()) {
            return;
        }
        try (ApplicationThreadContext.Scope scope = proxiedDialog.application().threadContext().enter()) {
            afterTask(proxiedDialog.applicationSession());
        }
    }

    private static void callServlet(SipApplication application, SipSessionImpl session, SipServletResponseImpl response) {
        if (!session.isValid()) {
            return;
        }
        // Called inside proxyResponse's scope: the thread is already the application's.
        try {
            application.servletFor(session).service(null, response);
        } catch (Throwable t) {
            LOG.errorf(t, "SIP servlet of application %s failed on a proxied %d response", application.name(), response.getStatus());
        }
    }

    private static void answerFailure(SipServletRequestImpl request) {
        if (SipMethod.ACK.equals(request.method()) || request.isFinalResponseSent() || request.serverTransaction() == null) {
            return;
        }
        try {
            request.createResponse(500, "Server Internal Error - the application failed").send();
        } catch (Exception e) {
            LOG.debugf("500 after a servlet failure not sent: %s", e.getMessage());
        }
    }

    private static void afterTask(SipApplicationSessionImpl applicationSession) {
        try {
            applicationSession.afterTask();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Invalidating ready sessions of %s failed", applicationSession);
        }
    }
}
