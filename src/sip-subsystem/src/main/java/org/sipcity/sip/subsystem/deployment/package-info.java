/**
 * Deployment processing: web archives holding SIP applications (sip.xml or SIP annotations) get the SIP Servlet API
 * module and are deployed into the subsystem's SIP servlet container, their servlets made by the deployment's CDI
 * container.
 */
package org.sipcity.sip.subsystem.deployment;
