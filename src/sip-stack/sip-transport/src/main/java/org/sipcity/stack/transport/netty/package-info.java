/**
 * The Netty channel handlers behind the SIP transports: the stream pipeline ({@code [tls] -> idle ->}
 * {@link org.sipcity.stack.transport.netty.SipStreamDecoder} {@code ->}
 * {@link org.sipcity.stack.transport.netty.StreamFlowHandler}), the UDP
 * {@link org.sipcity.stack.transport.netty.DatagramHandler}, and the flows they implement. Public for the
 * transport package and for tests; not an API of the stack.
 */
package org.sipcity.stack.transport.netty;
