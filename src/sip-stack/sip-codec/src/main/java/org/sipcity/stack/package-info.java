/**
 * The SIP stack: message model, parser and framing ({@code sip-codec}), transports ({@code sip-transport})
 * and transactions ({@code sip-transaction}). Knows nothing of servlets or WildFly.
 */
package org.sipcity.stack;
