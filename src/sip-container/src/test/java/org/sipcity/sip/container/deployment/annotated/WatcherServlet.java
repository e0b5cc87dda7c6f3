package org.sipcity.sip.container.deployment.annotated;

import javax.servlet.sip.SipServlet;

@javax.servlet.sip.annotation.SipServlet(name = "watcher", loadOnStartup = 1)
public class WatcherServlet extends SipServlet {
    private static final long serialVersionUID = 1L;
}
