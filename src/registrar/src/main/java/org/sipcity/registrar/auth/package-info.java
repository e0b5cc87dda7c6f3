/**
 * Digest authentication of SIP requests (RFC 3261 §22, RFC 7616): stateless HMAC nonces that expire, replay
 * protection by nonce-count, credentials only as HA1 hashes. Plain Java, no servlet types.
 */
package org.sipcity.registrar.auth;
