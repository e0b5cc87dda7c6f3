package org.sipcity.sip.container.deployment.annotated;

import javax.servlet.sip.SipServlet;

@javax.servlet.sip.annotation.SipServlet
public class PublisherServlet extends SipServlet {
    private static final long serialVersionUID = 1L;
}
