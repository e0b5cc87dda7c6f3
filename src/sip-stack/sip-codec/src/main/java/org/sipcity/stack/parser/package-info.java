/**
 * The SIP message parser: {@link org.sipcity.stack.parser.SipMessageParser} turns one whole message (datagram
 * or framed stream message) into a lazily read {@link org.sipcity.stack.message.SipMessage}, or a
 * {@link org.sipcity.stack.parser.SipParseException} saying what to answer (400 naming the fault, 505, 416, 513)
 * and carrying the partial request needed to answer it. Nothing else ever escapes from a parse.
 */
package org.sipcity.stack.parser;
