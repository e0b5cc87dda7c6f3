/**
 * SIP transports: UDP, TCP and TLS on Netty, native epoll on Linux and NIO elsewhere.
 *
 * <p>The transports move bytes and parse nothing. {@link org.sipcity.stack.transport.SipTransports} owns
 * the event loops and the {@link org.sipcity.stack.transport.SipConnector}s; every whole message (a
 * datagram, or a frame cut from a stream by the sip-codec framer) goes as a {@code ByteBuf} to one
 * {@link org.sipcity.stack.transport.InboundHandler}, together with the
 * {@link org.sipcity.stack.transport.Flow} it came on, so that an overload valve can classify it by its
 * first line before anything is parsed. Answers leave through {@link org.sipcity.stack.transport.Flow#send}.
 * Open flows are found in the {@link org.sipcity.stack.transport.FlowTable}.
 */
package org.sipcity.stack.transport;
