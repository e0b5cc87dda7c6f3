package org.sipcity.testing.digest;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A user name and password, and the computation of the {@code Authorization}/{@code Proxy-Authorization} value
 * that answers a {@link DigestChallenge} (RFC 7616 §3.4, as SIP uses it: RFC 3261 §22.4, RFC 8760).
 *
 * @param username the user name, sent as the {@code username} parameter
 * @param password the shared secret; never sent
 */
public record DigestCredentials(String username, String password) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public DigestCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** As {@link #answer(DigestChallenge, String, String, byte[], String, int)} with a fresh cnonce and nc 1. */
    public String answer(DigestChallenge challenge, String method, String digestUri, byte[] body) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        return answer(challenge, method, digestUri, body, HexFormat.of().formatHex(nonce), 1);
    }

    /**
     * The credentials header value answering {@code challenge}.
     *
     * <p>qop: {@code auth} when offered, else {@code auth-int} (the body is hashed into A2), else none (the RFC 2069
     * form, which RFC 7616 keeps for compatibility).
     *
     * @param method    the request method (A2 starts with it)
     * @param digestUri the Request-URI as sent (RFC 3261 §22.4: the {@code uri} parameter)
     * @param body      the request body, used by {@code auth-int} only
     * @param cnonce    the client nonce
     * @param nonceCount how many requests this client has sent with this nonce, 1 for the first
     * @throws IllegalArgumentException when the challenge asks for an algorithm or qop this client cannot compute
     */
    public String answer(DigestChallenge challenge, String method, String digestUri, byte[] body, String cnonce,
                         int nonceCount) {
        DigestAlgorithm algorithm = challenge.algorithm();
        if (algorithm == null) {
            throw new IllegalArgumentException("Unsupported digest algorithm '" + challenge.algorithmToken()
                    + "' in the challenge of realm " + challenge.realm());
        }
        String qop = chooseQop(challenge);
        String nc = String.format("%08x", nonceCount);

        // RFC 7616 §3.4.2: A1 = user:realm:password, for -sess H(that):nonce:cnonce.
        String ha1 = algorithm.hash(username + ":" + challenge.realm() + ":" + password);
        if (algorithm.isSession()) {
            ha1 = algorithm.hash(ha1 + ":" + challenge.nonce() + ":" + cnonce);
        }
        // §3.4.3: A2 = method:uri, for auth-int also :H(body).
        String a2 = method + ":" + digestUri;
        if ("auth-int".equals(qop)) {
            a2 += ":" + algorithm.hash(body == null ? new byte[0] : body);
        }
        String ha2 = algorithm.hash(a2);
        // §3.4.1: response = KD(H(A1), nonce:nc:cnonce:qop:H(A2)); without qop (RFC 2069) KD(H(A1), nonce:H(A2)).
        String response = qop == null
                ? algorithm.hash(ha1 + ":" + challenge.nonce() + ":" + ha2)
                : algorithm.hash(ha1 + ":" + challenge.nonce() + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);

        StringBuilder value = new StringBuilder("Digest username=").append(quote(username))
                .append(", realm=").append(quote(challenge.realm()))
                .append(", nonce=").append(quote(challenge.nonce()))
                .append(", uri=").append(quote(digestUri))
                .append(", response=").append(quote(response))
                .append(", algorithm=").append(algorithm.token());
        if (challenge.opaque() != null) {
            value.append(", opaque=").append(quote(challenge.opaque()));
        }
        if (qop != null) {
            // qop and nc are unquoted tokens (RFC 7616 §3.4).
            value.append(", qop=").append(qop).append(", nc=").append(nc).append(", cnonce=").append(quote(cnonce));
        }
        return value.toString();
    }

    private static String chooseQop(DigestChallenge challenge) {
        if (challenge.qopOptions().isEmpty()) {
            return null;
        }
        if (challenge.qopOptions().contains("auth")) {
            return "auth";
        }
        if (challenge.qopOptions().contains("auth-int")) {
            return "auth-int";
        }
        throw new IllegalArgumentException("No supported qop among " + challenge.qopOptions()
                + " in the challenge of realm " + challenge.realm());
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
