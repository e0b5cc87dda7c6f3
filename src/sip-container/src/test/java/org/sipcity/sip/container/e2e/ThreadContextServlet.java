package org.sipcity.sip.container.e2e;

import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * Reports in headers what its thread carried while it ran: the value of the embedding server's thread-local context
 * (set by a ThreadSetup), the context class loader, and whether the SipFactory was already published when the
 * servlet was created.
 */
public class ThreadContextServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    /** Stands for what an embedding server establishes per call, e.g. WildFly's java:comp naming selector. */
    static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();
    /** What the initializer saw of the servlet context; read at construction. */
    static volatile Object publishedFactory;

    private final String contextAtConstruction = CONTEXT.get();
    private final boolean factoryPublishedAtConstruction = publishedFactory != null;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("X-Context", String.valueOf(CONTEXT.get()));
        ok.setHeader("X-Thread", Thread.currentThread().getName());
        ok.setHeader("X-Context-At-Construction", String.valueOf(contextAtConstruction));
        ok.setHeader("X-Factory-Before-Construction", String.valueOf(factoryPublishedAtConstruction));
        ok.setHeader("X-Class-Loader-Is-Application", String.valueOf(
                Thread.currentThread().getContextClassLoader() == ThreadContextTest.APPLICATION_LOADER));
        ok.send();
    }
}
