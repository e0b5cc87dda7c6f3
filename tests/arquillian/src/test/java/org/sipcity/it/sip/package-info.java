/**
 * Integration tests of the sip subsystem in the provisioned server: its management model, its connectors on
 * loopback, and SIP applications deployed into it.
 */
package org.sipcity.it.sip;
