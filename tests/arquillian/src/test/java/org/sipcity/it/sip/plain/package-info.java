/**
 * A SIP application as JSR 289 wrote them before annotations: one servlet declared in {@code WEB-INF/sip.xml},
 * compiled against the JSR 289 API only.
 */
package org.sipcity.it.sip.plain;
