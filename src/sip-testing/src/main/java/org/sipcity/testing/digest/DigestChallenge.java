package org.sipcity.testing.digest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One digest challenge of a {@code WWW-Authenticate} or {@code Proxy-Authenticate} header (RFC 7616 §3.3).
 *
 * @param realm      the protection space the credentials belong to
 * @param nonce      the server's nonce, echoed in the answer
 * @param opaque     echoed unchanged when present, else {@code null}
 * @param algorithm  the algorithm asked for; {@code null} when it is one this client does not compute
 * @param algorithmToken the {@code algorithm} parameter as written (null when absent), for messages
 * @param qopOptions the qop values offered, empty when the challenge has none (RFC 2069 compatibility)
 * @param stale      the previous answer was right but its nonce had expired (RFC 7616 §3.3)
 */
public record DigestChallenge(String realm, String nonce, String opaque, DigestAlgorithm algorithm,
                              String algorithmToken, List<String> qopOptions, boolean stale) {

    public DigestChallenge {
        qopOptions = List.copyOf(qopOptions);
    }

    /**
     * Parses a challenge.
     *
     * @throws IllegalArgumentException naming the fault when the scheme is not Digest or realm/nonce are missing
     */
    public static DigestChallenge parse(String headerValue) {
        String value = headerValue.trim();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase("Digest")) {
            throw new IllegalArgumentException("Not a Digest challenge (scheme '" + scheme + "'): " + headerValue);
        }
        Map<String, String> params = parseParameters(value.substring(space < 0 ? value.length() : space + 1));
        String realm = params.get("realm");
        String nonce = params.get("nonce");
        if (realm == null || nonce == null) {
            throw new IllegalArgumentException("Digest challenge without realm or nonce: " + headerValue);
        }
        List<String> qop = new ArrayList<>();
        String qopValue = params.get("qop");
        if (qopValue != null) {
            for (String option : qopValue.split(",")) {
                if (!option.isBlank()) {
                    qop.add(option.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        String algorithmToken = params.get("algorithm");
        return new DigestChallenge(realm, nonce, params.get("opaque"), DigestAlgorithm.fromToken(algorithmToken),
                algorithmToken, qop, "true".equalsIgnoreCase(params.get("stale")));
    }

    /**
     * Parses the auth-params of a challenge or credentials: {@code name=token} or {@code name="quoted string"}
     * separated by commas (RFC 7235 §2.1); names lower-cased, quoted values unescaped.
     */
    public static Map<String, String> parseParameters(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int nameStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ',') {
                i++;
            }
            String name = text.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || text.charAt(i) != '=') {
                if (!name.isEmpty()) {
                    params.put(name, "");
                }
                continue;
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder val = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                // A quoted-string is taken as is, spaces included; only its escapes are undone (RFC 7230 §3.2.6).
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    val.append(text.charAt(i++));
                }
                i++;   // closing quote
                params.put(name, val.toString());
            } else {
                while (i < n && text.charAt(i) != ',') {
                    val.append(text.charAt(i++));
                }
                params.put(name, val.toString().trim());
            }
        }
        return Collections.unmodifiableMap(params);
    }
}
