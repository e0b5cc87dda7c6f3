/** A proxying SIP application for the integration tests, written against the JSR 289 API only. */
package org.sipcity.it.sip.proxy;
