package org.sipcity.loadgen;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate: Digest ...} challenge a client can answer: algorithm MD5 or SHA-256 (RFC 7616 §3.3,
 * RFC 8760 for SIP), with {@code qop=auth} offered.
 */
public record DigestChallenge(String realm, String nonce, String opaque, DigestChallenge.Algorithm algorithm) {

    /** The hash functions answered; {@code -sess} variants are not. */
    public enum Algorithm {
        MD5("MD5", "MD5"), SHA_256("SHA-256", "SHA-256");

        final String token;
        final String jcaName;

        Algorithm(String token, String jcaName) {
            this.token = token;
            this.jcaName = jcaName;
        }

        static Optional<Algorithm> of(String token) {
            for (Algorithm algorithm : values()) {
                if (algorithm.token.equalsIgnoreCase(token)) {
                    return Optional.of(algorithm);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The first challenge among {@code headerValues} this client supports: RFC 7616 §3.7 has the server list its
     * preferred algorithm first, and the client use the first it understands.
     */
    public static Optional<DigestChallenge> firstSupported(List<String> headerValues) {
        for (String value : headerValues) {
            Optional<DigestChallenge> challenge = parse(value);
            if (challenge.isPresent()) {
                return challenge;
            }
        }
        return Optional.empty();
    }

    /** Empty when the scheme is not Digest, the algorithm is unknown, a nonce is missing or qop=auth not offered. */
    public static Optional<DigestChallenge> parse(String headerValue) {
        String value = headerValue.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Digest", 0, 6)
                || !Character.isWhitespace(value.charAt(6))) {
            return Optional.empty();
        }
        Map<String, String> params = authParams(value.substring(7));
        String nonce = params.get("nonce");
        String realm = params.get("realm");
        if (nonce == null || realm == null) {
            return Optional.empty();
        }
        Optional<Algorithm> algorithm = Algorithm.of(params.getOrDefault("algorithm", "MD5"));
        String qop = params.get("qop");
        if (algorithm.isEmpty() || qop == null || !offersAuth(qop)) {
            return Optional.empty();
        }
        return Optional.of(new DigestChallenge(realm, nonce, params.get("opaque"), algorithm.get()));
    }

    private static boolean offersAuth(String qopOptions) {
        for (String option : qopOptions.split(",")) {
            if (option.trim().equalsIgnoreCase("auth")) {
                return true;
            }
        }
        return false;
    }

    /** RFC 7235 §2.1 auth-param list: {@code name=token} or {@code name="quoted"}, comma-separated. */
    static Map<String, String> authParams(String list) {
        Map<String, String> params = new HashMap<>();
        int i = 0;
        int n = list.length();
        while (i < n) {
            while (i < n && (list.charAt(i) == ',' || Character.isWhitespace(list.charAt(i)))) {
                i++;
            }
            int nameStart = i;
            while (i < n && list.charAt(i) != '=' && list.charAt(i) != ',') {
                i++;
            }
            String name = list.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || list.charAt(i) != '=') {
                continue; // a bare token: no value to keep
            }
            i++;
            while (i < n && Character.isWhitespace(list.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && list.charAt(i) == '"') {
                i++;
                while (i < n && list.charAt(i) != '"') {
                    if (list.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(list.charAt(i++));
                }
                i++; // closing quote
            } else {
                while (i < n && list.charAt(i) != ',') {
                    value.append(list.charAt(i++));
                }
            }
            if (!name.isEmpty()) {
                params.put(name, value.toString().trim());
            }
        }
        return params;
    }
}
