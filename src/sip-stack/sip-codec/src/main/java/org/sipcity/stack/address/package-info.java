/**
 * Immutable views of SIP addresses and system header values (RFC 3261 §19, §20, §25.1): URIs
 * ({@link org.sipcity.stack.address.SipUri}, {@link org.sipcity.stack.address.TelUrl},
 * {@link org.sipcity.stack.address.AbsoluteUri}), {@link org.sipcity.stack.address.NameAddress},
 * {@link org.sipcity.stack.address.Via} (with RFC 3581 rport) and {@link org.sipcity.stack.address.CSeq}.
 * Each parses strictly and reports a fault as a 400 {@link org.sipcity.stack.parser.SipParseException}.
 */
package org.sipcity.stack.address;
