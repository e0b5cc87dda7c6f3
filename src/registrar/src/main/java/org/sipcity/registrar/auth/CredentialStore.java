package org.sipcity.registrar.auth;

/** Where the authenticator finds a subscriber's stored HA1 (never a password). */
public interface CredentialStore {

    /**
     * The HA1 of {@code username} in {@code realm} for {@code algorithm} (lower-case hex), or {@code null} when there
     * is no such subscriber.
     */
    String ha1(String username, String realm, DigestAlgorithm algorithm);
}
