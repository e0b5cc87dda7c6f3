package org.sipcity.registrar.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 7616), {@code qop=auth} only, MD5 and SHA-256.
 * <p>
 * Order of checks: the digest is verified against the stored HA1 before the nonce's age is looked at, so
 * {@code stale=true} is only ever said to a client that knows the password (RFC 7616 §3.3: stale means "the
 * previous request from the client was rejected because the nonce value was stale"); then the nonce-count must be
 * higher than any accepted for that nonce. A request without {@code qop} (RFC 2069 style) has no nonce-count to
 * protect it from replay and is challenged again.
 * <p>
 * The digest-uri is not compared with the Request-URI: containers may re-serialise URIs (parameter order, escaping)
 * and the nonce-count check already stops replays of a captured request.
 */
public final class DigestAuthenticator {

    /** SHA-256 first: RFC 7616 §3.7 "the server ... SHOULD list the challenges in order of preference". */
    public static final List<DigestAlgorithm> PREFERENCE = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    private final CredentialStore credentials;
    private final NonceService nonces;
    private final NonceCountTracker nonceCounts;
    private final List<DigestAlgorithm> algorithms;

    public DigestAuthenticator(CredentialStore credentials, NonceService nonces, NonceCountTracker nonceCounts) {
        this(credentials, nonces, nonceCounts, PREFERENCE);
    }

    /**
     * @param algorithms the algorithms offered, one challenge each, in this order; credentials computed with any other
     *                   are challenged again. Some UAs answer only the first challenge whatever its algorithm (SIPp
     *                   gives up on a first SHA-256 one): for them, list MD5 first or alone.
     */
    public DigestAuthenticator(CredentialStore credentials, NonceService nonces, NonceCountTracker nonceCounts,
            List<DigestAlgorithm> algorithms) {
        if (algorithms.isEmpty() || Set.copyOf(algorithms).size() != algorithms.size()) {
            throw new IllegalArgumentException("Digest algorithms must be listed once each, at least one: " + algorithms);
        }
        this.credentials = credentials;
        this.nonces = nonces;
        this.nonceCounts = nonceCounts;
        this.algorithms = List.copyOf(algorithms);
    }

    /**
     * @param method       the request method (A2 = method ":" digest-uri)
     * @param headerValues every Authorization (or Proxy-Authorization) value; the one for {@code realm} is used
     * @param realm        the realm we challenge with (the subscriber's domain)
     */
    public AuthResult authenticate(String method, List<String> headerValues, String realm, Instant now) {
        return authenticate(method, headerValues, realm, now, 0);
    }

    /**
     * @param transaction a hash naming the request's transaction (Via branch, Call-ID, CSeq), 0 when unknown: the
     *                    same credentials with the same nonce-count from the same transaction are a retransmission
     *                    ({@link AuthResult.Authenticated#retransmission()}), from any other request a replay
     */
    public AuthResult authenticate(String method, List<String> headerValues, String realm, Instant now,
            int transaction) {
        DigestCredentials offered = null;
        for (String value : headerValues) {
            DigestCredentials parsed = DigestHeaderParser.parse(value);
            if (parsed == null) {
                if (value != null && value.trim().regionMatches(true, 0, "Digest", 0, 6)) {
                    return new AuthResult.Malformed("Bad Request (malformed Digest credentials)");
                }
                continue; // another scheme: not ours to judge
            }
            if (realm.equals(parsed.realm())) {
                offered = parsed;
                break;
            }
        }
        if (offered == null) {
            return new AuthResult.Challenge(false);
        }
        if (offered.username() == null || offered.nonce() == null || offered.uri() == null
                || offered.response() == null) {
            return new AuthResult.Malformed("Bad Request (Digest credentials lack username, nonce, uri or response)");
        }
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(offered.algorithm());
        if (algorithm == null || !algorithms.contains(algorithm) || !"auth".equalsIgnoreCase(offered.qop())) {
            return new AuthResult.Challenge(false);
        }
        long count = parseNonceCount(offered.nonceCount());
        if (count < 1 || offered.cnonce() == null) {
            return new AuthResult.Malformed("Bad Request (qop=auth needs nc of 8 hex digits and cnonce)");
        }
        String ha1 = credentials.ha1(offered.username(), realm, algorithm);
        if (ha1 == null) {
            return new AuthResult.Challenge(false);
        }
        String expected = response(algorithm, ha1, method, offered.uri(), offered.nonce(), offered.nonceCount(),
                offered.cnonce(), "auth");
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                offered.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return new AuthResult.Challenge(false);
        }
        NonceService.Status status = nonces.check(offered.nonce(), realm, now);
        if (status == NonceService.Status.INVALID) {
            return new AuthResult.Challenge(false);
        }
        if (status == NonceService.Status.STALE) {
            return new AuthResult.Challenge(true);
        }
        NonceCountTracker.Verdict verdict = nonceCounts.accept(offered.nonce(),
                nonces.issuedAt(offered.nonce(), realm), count, transaction);
        if (verdict == NonceCountTracker.Verdict.RETRANSMITTED) {
            return new AuthResult.Authenticated(offered.username(), realm, true);
        }
        if (verdict != NonceCountTracker.Verdict.ACCEPTED) {
            // A replayed or forgotten count: the legitimate UA retries at once with a fresh nonce, a replayer fails.
            return new AuthResult.Challenge(true);
        }
        return new AuthResult.Authenticated(offered.username(), realm);
    }

    /**
     * The challenge header values (WWW-Authenticate or Proxy-Authenticate), one per offered algorithm in the configured
     * order (by default {@link #PREFERENCE}: SHA-256, then MD5 for the UAs that know nothing else).
     */
    public List<String> challenges(String realm, boolean stale, Instant now) {
        String nonce = nonces.issue(realm, now);
        List<String> values = new ArrayList<>(algorithms.size());
        for (DigestAlgorithm algorithm : algorithms) {
            StringBuilder sb = new StringBuilder(128).append("Digest realm=\"").append(realm)
                    .append("\", nonce=\"").append(nonce).append("\", algorithm=").append(algorithm.token())
                    .append(", qop=\"auth\"");
            if (stale) {
                sb.append(", stale=true");
            }
            values.add(sb.toString());
        }
        return values;
    }

    /** The request-digest for qop=auth (RFC 7616 §3.4.1): KD(HA1, nonce:nc:cnonce:qop:H(method:uri)). */
    public static String response(DigestAlgorithm algorithm, String ha1, String method, String uri, String nonce,
            String nonceCount, String cnonce, String qop) {
        String ha2 = algorithm.hash(method + ':' + uri);
        return algorithm.hash(ha1 + ':' + nonce + ':' + nonceCount + ':' + cnonce + ':' + qop + ':' + ha2);
    }

    /** nc-value = 8LHEX (RFC 7616 §3.4); -1 when malformed. */
    static long parseNonceCount(String text) {
        if (text == null || text.length() != 8) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
