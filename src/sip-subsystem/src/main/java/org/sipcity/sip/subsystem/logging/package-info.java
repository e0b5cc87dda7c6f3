/** The subsystem's message logger: every log line and management failure with a stable SIPCITY id. */
package org.sipcity.sip.subsystem.logging;
