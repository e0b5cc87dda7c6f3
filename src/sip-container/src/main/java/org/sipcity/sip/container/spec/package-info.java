/**
 * The {@code ...Impl} classes of the JSR 289 API ({@code javax.servlet.sip}) over the stack's lazily parsed messages
 * and immutable addresses: messages with system-header protection, addresses and URIs, sessions, the factory, timers
 * and the servlet context of a SIP-only application.
 */
package org.sipcity.sip.container.spec;
