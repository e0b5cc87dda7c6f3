/** A SIP application for the integration tests, written against the JSR 289 API only (plus CDI). */
package org.sipcity.it.sip.app;
