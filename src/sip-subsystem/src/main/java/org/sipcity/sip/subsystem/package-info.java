/**
 * The WildFly {@code sip} subsystem: {@link org.sipcity.sip.subsystem.SipExtension}, its management model
 * ({@code /subsystem=sip} and its {@code connector} children), versioned model and XML schema. Thin glue: every SIP
 * behaviour lives in the stack, which this package only configures, starts and reads.
 */
package org.sipcity.sip.subsystem;
