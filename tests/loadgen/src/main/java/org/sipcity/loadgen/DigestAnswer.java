package org.sipcity.loadgen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Computes the {@code Authorization} value answering a {@link DigestChallenge} with {@code qop=auth}
 * (RFC 7616 §3.4.1): response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), A1 = user:realm:password, A2 = method:uri.
 * One instance per flow: it counts the nonce uses ({@code nc}) so later requests reuse the nonce without a new
 * challenge, as a real user agent does.
 */
public final class DigestAnswer {

    private final DigestChallenge challenge;
    private final String user;
    private final String ha1;
    private int nonceCount;

    public DigestAnswer(DigestChallenge challenge, String user, String password) {
        this.challenge = challenge;
        this.user = user;
        this.ha1 = hash(challenge.algorithm(), user + ":" + challenge.realm() + ":" + password);
    }

    public DigestChallenge challenge() {
        return challenge;
    }

    /** The header value for the next request with this nonce; increments {@code nc}. */
    public String authorization(String method, String digestUri) {
        return authorization(method, digestUri, Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /** As {@link #authorization(String, String)} with a given client nonce (for known-answer tests). */
    String authorization(String method, String digestUri, String cnonce) {
        nonceCount++;
        String nc = String.format("%08x", nonceCount);
        String ha2 = hash(challenge.algorithm(), method + ":" + digestUri);
        String response = hash(challenge.algorithm(),
                ha1 + ":" + challenge.nonce() + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        StringBuilder value = new StringBuilder(256)
                .append("Digest username=\"").append(user)
                .append("\", realm=\"").append(challenge.realm())
                .append("\", nonce=\"").append(challenge.nonce())
                .append("\", uri=\"").append(digestUri)
                .append("\", response=\"").append(response)
                .append("\", algorithm=").append(challenge.algorithm().token)
                .append(", cnonce=\"").append(cnonce)
                .append("\", qop=auth, nc=").append(nc);
        if (challenge.opaque() != null) {
            value.append(", opaque=\"").append(challenge.opaque()).append('"');
        }
        return value.toString();
    }

    static String hash(DigestChallenge.Algorithm algorithm, String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm.jcaName);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm.jcaName + " is required of every Java platform", e);
        }
    }
}
