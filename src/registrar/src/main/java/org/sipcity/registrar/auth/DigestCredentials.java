package org.sipcity.registrar.auth;

/**
 * The parameters of an Authorization or Proxy-Authorization header with the Digest scheme (RFC 7616 §3.4,
 * RFC 3261 §25.1 digest-response). Quotes are removed; absent parameters are {@code null}.
 */
public record DigestCredentials(String username, String realm, String nonce, String uri, String response,
        String algorithm, String cnonce, String opaque, String qop, String nonceCount) {
}
