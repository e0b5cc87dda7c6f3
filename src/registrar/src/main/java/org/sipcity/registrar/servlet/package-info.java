/**
 * The SIP servlet layer: thin servlets over the plain classes, and their CDI wiring. The only package that sees the
 * SIP Servlet API.
 */
@SipApplication(name = "sipcity-registrar", mainServlet = "front", displayName = "SIP City registrar")
package org.sipcity.registrar.servlet;

import javax.servlet.sip.annotation.SipApplication;
