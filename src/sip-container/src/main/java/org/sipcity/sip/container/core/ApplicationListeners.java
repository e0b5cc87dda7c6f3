package org.sipcity.sip.container.core;

import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.function.Consumer;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipApplicationSessionAttributeListener;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipErrorListener;
import javax.servlet.sip.SipApplicationSessionBindingEvent;
import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;
import javax.servlet.sip.SipServletContextEvent;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipServletListener;
import javax.servlet.sip.SipSessionAttributeListener;
import javax.servlet.sip.SipSessionBindingEvent;
import javax.servlet.sip.SipSessionEvent;
import javax.servlet.sip.SipSessionListener;
import javax.servlet.sip.TimerListener;
import org.jboss.logging.Logger;

/**
 * The listeners of one application (JSR 289 §6.4.1, §21), sorted by the interfaces they implement. A listener that
 * throws is logged and does not stop the others or the message being processed.
 */
public final class ApplicationListeners {

    private static final Logger LOG = Logger.getLogger(ApplicationListeners.class);

    private final String application;
    private final List<SipServletListener> servlet = new ArrayList<>();
    private final List<SipApplicationSessionListener> applicationSession = new ArrayList<>();
    private final List<SipSessionListener> sipSession = new ArrayList<>();
    private final List<SipApplicationSessionAttributeListener> applicationSessionAttribute = new ArrayList<>();
    private final List<SipSessionAttributeListener> sipSessionAttribute = new ArrayList<>();
    private final List<TimerListener> timer = new ArrayList<>();
    private final List<SipErrorListener> error = new ArrayList<>();

    ApplicationListeners(String application) {
        this.application = application;
    }

    /** Files {@code listener} under every listener interface it implements; false if it implements none. */
    boolean add(EventListener listener) {
        boolean known = false;
        if (listener instanceof SipServletListener l) {
            servlet.add(l);
            known = true;
        }
        if (listener instanceof SipApplicationSessionListener l) {
            applicationSession.add(l);
            known = true;
        }
        if (listener instanceof SipSessionListener l) {
            sipSession.add(l);
            known = true;
        }
        if (listener instanceof SipApplicationSessionAttributeListener l) {
            applicationSessionAttribute.add(l);
            known = true;
        }
        if (listener instanceof SipSessionAttributeListener l) {
            sipSessionAttribute.add(l);
            known = true;
        }
        if (listener instanceof TimerListener l) {
            timer.add(l);
            known = true;
        }
        if (listener instanceof SipErrorListener l) {
            error.add(l);
            known = true;
        }
        return known;
    }

    boolean hasTimerListener() {
        return !timer.isEmpty();
    }

    /** Calls {@code callback} on every listener of {@code listeners}; one that throws is logged, the others still run. */
    private <L> void notifyEach(List<L> listeners, String callback, Consumer<L> call) {
        for (L listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Listener %s of SIP application %s failed in %s", listener.getClass().getName(),
                        application, callback);
            }
        }
    }

    void servletInitialized(SipServletContextEvent event) {
        notifyEach(servlet, "servletInitialized", l -> l.servletInitialized(event));
    }

    public void applicationSessionCreated(SipApplicationSession session) {
        if (!applicationSession.isEmpty()) {
            SipApplicationSessionEvent event = new SipApplicationSessionEvent(session);
            notifyEach(applicationSession, "sessionCreated", l -> l.sessionCreated(event));
        }
    }

    public void applicationSessionDestroyed(SipApplicationSession session) {
        if (!applicationSession.isEmpty()) {
            SipApplicationSessionEvent event = new SipApplicationSessionEvent(session);
            notifyEach(applicationSession, "sessionDestroyed", l -> l.sessionDestroyed(event));
        }
    }

    public void applicationSessionExpired(SipApplicationSession session) {
        if (!applicationSession.isEmpty()) {
            SipApplicationSessionEvent event = new SipApplicationSessionEvent(session);
            notifyEach(applicationSession, "sessionExpired", l -> l.sessionExpired(event));
        }
    }

    public void applicationSessionReadyToInvalidate(SipApplicationSession session) {
        if (!applicationSession.isEmpty()) {
            SipApplicationSessionEvent event = new SipApplicationSessionEvent(session);
            notifyEach(applicationSession, "sessionReadyToInvalidate", l -> l.sessionReadyToInvalidate(event));
        }
    }

    public void sipSessionCreated(SipSession session) {
        if (!sipSession.isEmpty()) {
            SipSessionEvent event = new SipSessionEvent(session);
            notifyEach(sipSession, "sessionCreated", l -> l.sessionCreated(event));
        }
    }

    public void sipSessionDestroyed(SipSession session) {
        if (!sipSession.isEmpty()) {
            SipSessionEvent event = new SipSessionEvent(session);
            notifyEach(sipSession, "sessionDestroyed", l -> l.sessionDestroyed(event));
        }
    }

    public void sipSessionReadyToInvalidate(SipSession session) {
        if (!sipSession.isEmpty()) {
            SipSessionEvent event = new SipSessionEvent(session);
            notifyEach(sipSession, "sessionReadyToInvalidate", l -> l.sessionReadyToInvalidate(event));
        }
    }

    public void applicationSessionAttributeChanged(SipApplicationSessionBindingEvent event, boolean added) {
        if (added) {
            notifyEach(applicationSessionAttribute, "attributeAdded", l -> l.attributeAdded(event));
        } else {
            notifyEach(applicationSessionAttribute, "attributeReplaced", l -> l.attributeReplaced(event));
        }
    }

    public void applicationSessionAttributeRemoved(SipApplicationSessionBindingEvent event) {
        notifyEach(applicationSessionAttribute, "attributeRemoved", l -> l.attributeRemoved(event));
    }

    public void sipSessionAttributeChanged(SipSessionBindingEvent event, boolean added) {
        if (added) {
            notifyEach(sipSessionAttribute, "attributeAdded", l -> l.attributeAdded(event));
        } else {
            notifyEach(sipSessionAttribute, "attributeReplaced", l -> l.attributeReplaced(event));
        }
    }

    public void sipSessionAttributeRemoved(SipSessionBindingEvent event) {
        notifyEach(sipSessionAttribute, "attributeRemoved", l -> l.attributeRemoved(event));
    }

    /** RFC 3261 §13.3.1.4: no ACK for a 2xx within 64·T1; the application should end the dialog with a BYE. */
    public void noAckReceived(SipErrorEvent event) {
        if (error.isEmpty()) {
            LOG.warnf("No ACK for a 2xx of SIP application %s (Call-ID %s) and no SipErrorListener to tell",
                    application, event.getRequest().getCallId());
        }
        notifyEach(error, "noAckReceived", l -> l.noAckReceived(event));
    }

    /** JSR 289 §21.2: every TimerListener of the application hears every timer. */
    public void timeout(ServletTimer expired) {
        if (timer.isEmpty()) {
            LOG.warnf("Servlet timer %s expired but SIP application %s declares no TimerListener", expired.getId(), application);
        }
        notifyEach(timer, "timeout", l -> l.timeout(expired));
    }
}
