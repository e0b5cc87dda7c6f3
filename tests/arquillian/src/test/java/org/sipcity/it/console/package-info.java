/**
 * The sip subsystem as an operator meets it: live figures, flow operations, the message trace switch and the
 * Prometheus metrics through the management client and HTTP, and the management console (HAL) in a headless
 * Chromium.
 */
package org.sipcity.it.console;
