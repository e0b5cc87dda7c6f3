package org.sipcity.sip.container.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.URI;
import javax.servlet.sip.ar.SipApplicationRouter;
import javax.servlet.sip.ar.SipApplicationRouterInfo;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.sip.container.spec.Uris;

/**
 * Picks the application for an initial request by asking the application router (JSR 289 §15.4.1) and keeps the
 * router told which applications are deployed.
 */
final class ApplicationSelector {

    private static final Logger LOG = Logger.getLogger(ApplicationSelector.class);

    private final SipApplicationRouter router;
    private final boolean selectsOnEventLoop;
    private final Map<String, SipApplication> applications = new ConcurrentHashMap<>();

    /**
     * @param selectsOnEventLoop whether the router never blocks (the container's own, a table lookup), so that
     *        selection may run on the event loop that read the request
     */
    ApplicationSelector(SipApplicationRouter router, boolean selectsOnEventLoop) {
        this.router = router;
        this.selectsOnEventLoop = selectsOnEventLoop;
    }

    /** Whether {@link #select} may run on an event loop; otherwise it runs on a worker. */
    boolean selectsOnEventLoop() {
        return selectsOnEventLoop;
    }

    void deployed(SipApplication application) {
        applications.put(application.name(), application);
        router.applicationDeployed(List.of(application.name()));
    }

    SipApplication undeployed(String name) {
        SipApplication removed = applications.remove(name);
        if (removed != null) {
            router.applicationUndeployed(List.of(name));
        }
        return removed;
    }

    SipApplication application(String name) {
        return applications.get(name);
    }

    Map<String, SipApplication> applications() {
        return applications;
    }

    /** The application for {@code request}, or null when the router selects none. */
    SipApplication select(SipServletRequestImpl request) {
        SipApplicationRouterInfo info = router.getNextApplication(request, null, SipApplicationRoutingDirective.NEW,
                null, null);
        if (info == null || info.getNextApplicationName() == null) {
            return null;
        }
        SipApplication application = applications.get(info.getNextApplicationName());
        if (application == null) {
            LOG.warnf("The application router selected '%s', which is not deployed", info.getNextApplicationName());
            return null;
        }
        URI subscriber = null;
        if (info.getSubscriberURI() != null) {
            try {
                subscriber = Uris.parse(info.getSubscriberURI());
            } catch (ServletParseException e) {
                LOG.debugf("Subscriber URI from the application router ignored: %s", e.getMessage());
            }
        }
        request.setRouting(info.getRoutingRegion(), subscriber);
        return application;
    }

    void destroy() {
        router.destroy();
    }
}
