package org.sipcity.sip.container.core;

import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSessionAttributeListener;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipErrorListener;
import javax.servlet.sip.SipApplicationSessionBindingEvent;
import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;
import javax.servlet.sip.SipServletContextEvent;
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

    private void failed(String callback, Object listener, Throwable t) {
        LOG.errorf(t, "Listener %s of SIP application %s failed in %s", listener.getClass().getName(), application, callback);
    }

    void servletInitialized(SipServletContextEvent event) {
        for (SipServletListener l : servlet) {
            try {
                l.servletInitialized(event);
            } catch (RuntimeException e) {
                failed("servletInitialized", l, e);
            }
        }
    }

    public void applicationSessionCreated(SipApplicationSessionEvent event) {
        for (SipApplicationSessionListener l : applicationSession) {
            try {
                l.sessionCreated(event);
            } catch (RuntimeException e) {
                failed("sessionCreated", l, e);
            }
        }
    }

    public void applicationSessionDestroyed(SipApplicationSessionEvent event) {
        for (SipApplicationSessionListener l : applicationSession) {
            try {
                l.sessionDestroyed(event);
            } catch (RuntimeException e) {
                failed("sessionDestroyed", l, e);
            }
        }
    }

    public void applicationSessionExpired(SipApplicationSessionEvent event) {
        for (SipApplicationSessionListener l : applicationSession) {
            try {
                l.sessionExpired(event);
            } catch (RuntimeException e) {
                failed("sessionExpired", l, e);
            }
        }
    }

    public void applicationSessionReadyToInvalidate(SipApplicationSessionEvent event) {
        for (SipApplicationSessionListener l : applicationSession) {
            try {
                l.sessionReadyToInvalidate(event);
            } catch (RuntimeException e) {
                failed("sessionReadyToInvalidate", l, e);
            }
        }
    }

    public void sipSessionCreated(SipSessionEvent event) {
        for (SipSessionListener l : sipSession) {
            try {
                l.sessionCreated(event);
            } catch (RuntimeException e) {
                failed("sessionCreated", l, e);
            }
        }
    }

    public void sipSessionDestroyed(SipSessionEvent event) {
        for (SipSessionListener l : sipSession) {
            try {
                l.sessionDestroyed(event);
            } catch (RuntimeException e) {
                failed("sessionDestroyed", l, e);
            }
        }
    }

    public void sipSessionReadyToInvalidate(SipSessionEvent event) {
        for (SipSessionListener l : sipSession) {
            try {
                l.sessionReadyToInvalidate(event);
            } catch (RuntimeException e) {
                failed("sessionReadyToInvalidate", l, e);
            }
        }
    }

    public void applicationSessionAttributeChanged(SipApplicationSessionBindingEvent event, boolean added) {
        for (SipApplicationSessionAttributeListener l : applicationSessionAttribute) {
            try {
                if (added) {
                    l.attributeAdded(event);
                } else {
                    l.attributeReplaced(event);
                }
            } catch (RuntimeException e) {
                failed(added ? "attributeAdded" : "attributeReplaced", l, e);
            }
        }
    }

    public void applicationSessionAttributeRemoved(SipApplicationSessionBindingEvent event) {
        for (SipApplicationSessionAttributeListener l : applicationSessionAttribute) {
            try {
                l.attributeRemoved(event);
            } catch (RuntimeException e) {
                failed("attributeRemoved", l, e);
            }
        }
    }

    public void sipSessionAttributeChanged(SipSessionBindingEvent event, boolean added) {
        for (SipSessionAttributeListener l : sipSessionAttribute) {
            try {
                if (added) {
                    l.attributeAdded(event);
                } else {
                    l.attributeReplaced(event);
                }
            } catch (RuntimeException e) {
                failed(added ? "attributeAdded" : "attributeReplaced", l, e);
            }
        }
    }

    public void sipSessionAttributeRemoved(SipSessionBindingEvent event) {
        for (SipSessionAttributeListener l : sipSessionAttribute) {
            try {
                l.attributeRemoved(event);
            } catch (RuntimeException e) {
                failed("attributeRemoved", l, e);
            }
        }
    }

    /** RFC 3261 §13.3.1.4: no ACK for a 2xx within 64·T1; the application should end the dialog with a BYE. */
    public void noAckReceived(SipErrorEvent event) {
        if (error.isEmpty()) {
            LOG.warnf("No ACK for a 2xx of SIP application %s (Call-ID %s) and no SipErrorListener to tell",
                    application, event.getRequest().getCallId());
        }
        for (SipErrorListener l : error) {
            try {
                l.noAckReceived(event);
            } catch (RuntimeException e) {
                failed("noAckReceived", l, e);
            }
        }
    }

    /** JSR 289 §21.2: every TimerListener of the application hears every timer. */
    public void timeout(ServletTimer expired) {
        if (timer.isEmpty()) {
            LOG.warnf("Servlet timer %s expired but SIP application %s declares no TimerListener", expired.getId(), application);
        }
        for (TimerListener l : timer) {
            try {
                l.timeout(expired);
            } catch (RuntimeException e) {
                failed("timeout", l, e);
            }
        }
    }
}
