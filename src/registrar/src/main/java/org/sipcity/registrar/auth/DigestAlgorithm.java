package org.sipcity.registrar.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digest algorithms of RFC 7616 §3.2 that we offer; the "-sess" variants are not offered. */
public enum DigestAlgorithm {
    /** RFC 7616 §3.2; offered second, for the many SIP UAs that know no other (RFC 7616 §3.7). */
    MD5("MD5", "MD5"),
    /** RFC 7616 §3.2; offered first as the stronger one (RFC 7616 §3.7: in order of preference). */
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The token of the {@code algorithm} parameter. */
    public String token() {
        return token;
    }

    /** The algorithm named by an {@code algorithm} parameter (case-insensitive); absent means MD5 (§3.3). */
    public static DigestAlgorithm fromToken(String token) {
        if (token == null) {
            return MD5;
        }
        for (DigestAlgorithm algorithm : values()) {
            if (algorithm.token.equalsIgnoreCase(token)) {
                return algorithm;
            }
        }
        return null;
    }

    /** Lower-case hex of the hash of the UTF-8 text (RFC 7616 §3.4.1 H()/KD()). */
    public String hash(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(jcaName);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is required of every Java platform", e);
        }
    }

    /** HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2): the only form a credential is stored in. */
    public String ha1(String username, String realm, String password) {
        return hash(username + ':' + realm + ':' + password);
    }
}
