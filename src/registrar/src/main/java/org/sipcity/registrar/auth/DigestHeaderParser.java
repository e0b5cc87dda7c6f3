package org.sipcity.registrar.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code Digest k=v, k="quoted", ...} (RFC 3261 §25.1 credentials, RFC 7616 §3.4). A malformed header gives
 * {@code null}; the caller answers 400.
 */
public final class DigestHeaderParser {

    /** Longest header we read: real ones are under 1 KB; anything bigger is refused rather than parsed. */
    private static final int MAX_LENGTH = 4096;

    private DigestHeaderParser() {
    }

    public static DigestCredentials parse(String header) {
        if (header == null || header.length() > MAX_LENGTH) {
            return null;
        }
        String text = header.trim();
        if (text.length() < 7 || !text.regionMatches(true, 0, "Digest", 0, 6)
                || !Character.isWhitespace(text.charAt(6))) {
            return null;
        }
        Map<String, String> params = parseParams(text, 7);
        if (params == null) {
            return null;
        }
        return new DigestCredentials(params.get("username"), params.get("realm"), params.get("nonce"),
                params.get("uri"), params.get("response"), params.get("algorithm"), params.get("cnonce"),
                params.get("opaque"), params.get("qop"), params.get("nc"));
    }

    private static Map<String, String> parseParams(String text, int start) {
        Map<String, String> params = new HashMap<>();
        int i = start;
        int n = text.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int nameStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ',' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String name = text.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (name.isEmpty() || i >= n || text.charAt(i) != '=') {
                return null;
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String value;
            if (i < n && text.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        sb.append(text.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
                value = sb.toString();
            } else {
                int valueStart = i;
                while (i < n && text.charAt(i) != ',' && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                value = text.substring(valueStart, i);
            }
            if (params.putIfAbsent(name, value) != null) {
                return null; // a parameter twice is ambiguous: refuse rather than pick one
            }
        }
        return params;
    }
}
