/**
 * The client side of HTTP digest authentication as SIP uses it (RFC 3261 §22.4, RFC 7616, RFC 8760): parsing a
 * {@code WWW-Authenticate}/{@code Proxy-Authenticate} challenge and computing the {@code Authorization} answer
 * with MD5 or SHA-256 and {@code qop=auth} (or {@code auth-int}).
 */
package org.sipcity.testing.digest;
