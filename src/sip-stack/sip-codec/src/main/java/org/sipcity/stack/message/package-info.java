/**
 * The SIP message model: {@link org.sipcity.stack.message.SipRequest} and
 * {@link org.sipcity.stack.message.SipResponse} over the received bytes, read lazily through a
 * {@link org.sipcity.stack.message.HeaderIndex}; interned {@link org.sipcity.stack.message.HeaderName}s (compact
 * forms included) and {@link org.sipcity.stack.message.SipMethod}s. Untouched fields are written back byte for
 * byte; Content-Length always follows the body.
 */
package org.sipcity.stack.message;
