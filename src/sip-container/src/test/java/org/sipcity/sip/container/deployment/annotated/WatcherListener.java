package org.sipcity.sip.container.deployment.annotated;

import javax.servlet.sip.SipSessionEvent;
import javax.servlet.sip.SipSessionListener;
import javax.servlet.sip.annotation.SipListener;

@SipListener
public class WatcherListener implements SipSessionListener {
    @Override
    public void sessionCreated(SipSessionEvent event) {
    }

    @Override
    public void sessionDestroyed(SipSessionEvent event) {
    }

    @Override
    public void sessionReadyToInvalidate(SipSessionEvent event) {
    }
}
