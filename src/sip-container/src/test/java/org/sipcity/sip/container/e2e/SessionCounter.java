package org.sipcity.sip.container.e2e;

import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;

/** Counts application sessions created and destroyed. */
public class SessionCounter implements SipApplicationSessionListener {

    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger DESTROYED = new AtomicInteger();

    @Override
    public void sessionCreated(SipApplicationSessionEvent event) {
        CREATED.incrementAndGet();
    }

    @Override
    public void sessionDestroyed(SipApplicationSessionEvent event) {
        DESTROYED.incrementAndGet();
    }

    @Override
    public void sessionExpired(SipApplicationSessionEvent event) {
        // nothing: let it be invalidated
    }

    @Override
    public void sessionReadyToInvalidate(SipApplicationSessionEvent event) {
        // nothing: let it be invalidated
    }
}
