package org.sipcity.registrar.location.jpa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The stored form of a binding key: base64url of its SHA-256, 43 characters. Keys embed contact URIs of any length;
 * a fixed width keeps the unique index within every database's key-size limit.
 */
final class BindingKeys {

    static final int LENGTH = 43;

    private BindingKeys() {
    }

    static String stored(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
