/**
 * The SIP stack assembled: transports, parser and transaction layer joined by the transport layer rules of
 * RFC 3261 §18 (the {@code received} and {@code rport} stamps on the top Via, where responses go), with
 * stateless answers for what cannot enter a transaction. A SIP servlet container embeds one {@link
 * org.sipcity.stack.core.SipStack} and is its transaction user.
 *
 * <p>Threading: see the module README. Everything here runs on the event loop of the flow a message came on
 * (or the timer thread for retransmissions) and never blocks; the transaction user hands blocking work to its
 * own bounded executor.
 */
package org.sipcity.stack.core;
