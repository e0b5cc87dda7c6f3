/**
 * The proxy's decisions in plain Java: the target set of a request for a local user (RFC 3261 §16.5, §16.6). The
 * proxy servlet that carries them out over {@code javax.servlet.sip.Proxy} comes with the container integration.
 */
package org.sipcity.registrar.proxy;
