package org.sipcity.registrar.servlet;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Route parameter by which one cluster node delegates a request for an AOR to the node that owns some of its
 * bindings (docs/CLUSTERING.md): {@code sipcity-peer=<seconds>.<mac>}, an HMAC-SHA-256 under the region's shared
 * secret (the nonce secret every node is started with) over the issue time, the Call-ID and the AOR. The owner
 * node trusts such a request as its peer already authorised it (no second challenge) and forks only to the bindings
 * it owns itself, so a delegated request never travels further. A forged, foreign or older token is refused.
 */
final class PeerRoutes {

    /** The URI parameter of the Route to the owner node. */
    static final String PARAM = "sipcity-peer";
    /** A token older than this is refused: 32 s, Timer B/F, covers retransmissions and a busy peer. */
    private static final Duration LIFETIME = Duration.ofSeconds(32);
    private static final int MAC_BYTES = 16;

    private final byte[] secret;
    private final Clock clock;

    PeerRoutes(byte[] secret, Clock clock) {
        this.secret = secret.clone();
        this.clock = clock;
    }

    String token(String callId, String aor) {
        long seconds = clock.instant().getEpochSecond();
        return seconds + "." + mac(seconds, callId, aor);
    }

    boolean verify(String token, String callId, String aor) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long age = clock.instant().getEpochSecond() - seconds;
        if (age < -LIFETIME.toSeconds() || age > LIFETIME.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(mac(seconds, callId, aor).getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(long seconds, String callId, String aor) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] full = mac.doFinal((seconds + "\n" + callId + "\n" + aor).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
