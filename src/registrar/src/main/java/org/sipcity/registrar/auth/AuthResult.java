package org.sipcity.registrar.auth;

/** What digest verification decided. */
public sealed interface AuthResult {

    /**
     * The credentials prove {@code username} in {@code realm}. {@code retransmission} when they are the very
     * credentials of a request accepted before, sent again in the same transaction (RFC 3261 §17.2.3): answer it as
     * before, act on nothing again.
     */
    record Authenticated(String username, String realm, boolean retransmission) implements AuthResult {

        public Authenticated(String username, String realm) {
            this(username, realm, false);
        }
    }

    /**
     * No acceptable credentials: answer 401/407 with a fresh challenge. {@code stale} when the digest was right but
     * the nonce expired or may no longer be used (RFC 7616 §3.3).
     */
    record Challenge(boolean stale) implements AuthResult {
    }

    /** Credentials that cannot be read: answer 400 with this reason. */
    record Malformed(String reason) implements AuthResult {
    }
}
