package org.sipcity.registrar.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Nonces that need no server state to verify (RFC 7616 §5.4 suggests "time-stamp H(time-stamp ":" ETag ":" secret)"):
 * {@code base64url(issued-millis[8] || serial[8] || HMAC-SHA256(secret, issued-millis || serial || realm)[0..16])}.
 * A nonce made by someone without the secret, or for another realm, fails; an authentic one older than the lifetime is
 * {@link Status#STALE}, which earns {@code stale=true} in the new challenge (RFC 7616 §3.3) so the UA retries without
 * asking its user.
 *
 * <p>The serial makes every challenge's nonce unique: the nonce-count of a nonce may be used once
 * ({@link NonceCountTracker}), so two UAs challenged in the same millisecond must not share a nonce, or the second one's
 * {@code nc=00000001} is refused as a replay (seen with SIPp registering 500 users a second: a third of them got
 * {@code stale=true}). It counts up from a random start, so nodes sharing a secret do not issue the same one.
 */
public final class NonceService {

    /** The result of checking a nonce. */
    public enum Status { VALID, STALE, INVALID }

    private static final int TIME_BYTES = 8;
    private static final int SERIAL_BYTES = 8;
    private static final int MAC_BYTES = 16;
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final long lifetimeMillis;
    private final AtomicLong serial = new AtomicLong(new SecureRandom().nextLong());

    /**
     * @param secret   at least 32 random bytes; every node of a cluster that shares clients shares it
     * @param lifetime how long a nonce may be used (with increasing nonce-counts) before it is stale
     */
    public NonceService(byte[] secret, Duration lifetime) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the nonce secret needs at least 32 bytes, got " + secret.length);
        }
        this.key = new SecretKeySpec(secret.clone(), HMAC);
        this.lifetimeMillis = lifetime.toMillis();
    }

    public String issue(String realm, Instant now) {
        ByteBuffer buffer = ByteBuffer.allocate(TIME_BYTES + SERIAL_BYTES + MAC_BYTES);
        long issued = now.toEpochMilli();
        long unique = serial.getAndIncrement();
        buffer.putLong(issued).putLong(unique).put(mac(issued, unique, realm), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    public Status check(String nonce, String realm, Instant now) {
        long issued = issuedAt(nonce, realm);
        if (issued < 0) {
            return Status.INVALID;
        }
        long age = now.toEpochMilli() - issued;
        if (age < 0) {
            return Status.INVALID; // from the future: not one of ours
        }
        return age > lifetimeMillis ? Status.STALE : Status.VALID;
    }

    /** When an authentic nonce was issued (epoch millis), or -1 when it is not ours. */
    public long issuedAt(String nonce, String realm) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (raw.length != TIME_BYTES + SERIAL_BYTES + MAC_BYTES) {
            return -1;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        long issued = buffer.getLong();
        long unique = buffer.getLong();
        byte[] expected = mac(issued, unique, realm);
        byte[] given = new byte[MAC_BYTES];
        buffer.get(given);
        byte[] truncated = new byte[MAC_BYTES];
        System.arraycopy(expected, 0, truncated, 0, MAC_BYTES);
        return MessageDigest.isEqual(truncated, given) ? issued : -1;
    }

    private byte[] mac(long issued, long unique, String realm) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update(ByteBuffer.allocate(TIME_BYTES + SERIAL_BYTES).putLong(issued).putLong(unique).array());
            return mac.doFinal(realm.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
