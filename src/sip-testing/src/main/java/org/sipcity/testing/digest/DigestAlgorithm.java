package org.sipcity.testing.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The digest algorithms SIP uses (RFC 7616 §6.1, RFC 8760 §2.2). The {@code -sess} variants hash the nonce and
 * cnonce into the first secret (RFC 7616 §3.4.2). SHA-512-256 is left out: the JDK names it but SIP servers
 * rarely offer it.
 */
public enum DigestAlgorithm {
    MD5("MD5", "MD5", false),
    MD5_SESS("MD5-sess", "MD5", true),
    SHA_256("SHA-256", "SHA-256", false),
    SHA_256_SESS("SHA-256-sess", "SHA-256", true);

    private final String token;
    private final String jdkName;
    private final boolean session;

    DigestAlgorithm(String token, String jdkName, boolean session) {
        this.token = token;
        this.jdkName = jdkName;
        this.session = session;
    }

    /** The value of the {@code algorithm} parameter. */
    public String token() {
        return token;
    }

    public boolean isSession() {
        return session;
    }

    /** Lower-case hex of the hash of {@code text}'s UTF-8 bytes (RFC 7616 §3.4: H and KD). */
    public String hash(String text) {
        return hash(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public String hash(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jdkName + " is missing from this JDK", e);
        }
    }

    /**
     * The algorithm an {@code algorithm} parameter names, case-insensitively; an absent parameter means MD5
     * (RFC 7616 §3.3).
     *
     * @return the algorithm, or {@code null} when it is one this client does not compute
     */
    public static DigestAlgorithm fromToken(String token) {
        if (token == null) {
            return MD5;
        }
        String wanted = token.toLowerCase(Locale.ROOT);
        for (DigestAlgorithm algorithm : values()) {
            if (algorithm.token.toLowerCase(Locale.ROOT).equals(wanted)) {
                return algorithm;
            }
        }
        return null;
    }
}
