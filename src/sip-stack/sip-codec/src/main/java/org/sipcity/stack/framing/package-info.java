/**
 * Cuts a TCP or TLS byte stream into SIP messages, without parsing them.
 *
 * <p>RFC 3261 §18.3: on a stream, the Content-Length header field is the only way to find where a message
 * ends, so it is mandatory there (§20.14). The {@link org.sipcity.stack.framing.SipStreamFramer} finds the end
 * of the header block and the Content-Length with a byte scan, answers the CRLF keep-alives of RFC 5626
 * §4.4.1, and hands each message on as a slice of the caller's buffer to the same parser a datagram goes to
 * (as Kamailio's {@code tcp_read.c} does before {@code receive_msg}).
 *
 * <p>A stream whose framing is lost (no or a bad Content-Length, a message too large, bytes that cannot start a
 * message) cannot be resynchronised: the framer reports a {@link org.sipcity.stack.framing.FramingError} and
 * refuses the rest of the stream, and the caller answers if it can and closes the connection.
 */
package org.sipcity.stack.framing;
