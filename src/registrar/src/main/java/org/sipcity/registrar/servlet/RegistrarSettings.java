package org.sipcity.registrar.servlet;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.sipcity.registrar.auth.DigestAlgorithm;
import org.sipcity.registrar.location.jpa.RefreshDeferral;
import org.sipcity.registrar.location.jpa.WriteMode;
import org.sipcity.registrar.registration.RegistrarPolicy;

/**
 * The application's configuration, read from system properties (in WildFly: the {@code system-properties} of the
 * server configuration, which accept expressions such as {@code ${env.SIPCITY_DOMAINS:example.org}}).
 * Every key, its default and its meaning is listed in the module README.
 */
public record RegistrarSettings(RegistrarPolicy policy, boolean authenticate, List<DigestAlgorithm> digestAlgorithms,
        Duration nonceLifetime,
        byte[] nonceSecret, int nonceTrackerSize, WriteMode writeMode, Duration flushInterval, int maxDirty,
        int storedExpiryLagPercent, Duration reapInterval, int reapBatch, String proxyNextHop) {

    static final String PREFIX = "sipcity.registrar.";

    public static RegistrarSettings from(Properties properties) {
        Set<String> domains = Arrays.stream(get(properties, "domains", "localhost").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        RegistrarPolicy policy = new RegistrarPolicy(domains, integer(properties, "default-expires", 3600),
                integer(properties, "min-expires", 60), integer(properties, "max-expires", 7200),
                integer(properties, "flow-timer", 120), RegistrarPolicy.DEFAULT_OPTION_TAGS);
        String secret = properties.getProperty(PREFIX + "nonce-secret");
        byte[] secretBytes;
        if (secret == null || secret.isBlank()) {
            // A secret per boot: nonces issued before a restart become invalid and UAs are simply challenged again.
            secretBytes = new byte[32];
            new SecureRandom().nextBytes(secretBytes);
        } else {
            secretBytes = Base64.getDecoder().decode(secret.strip());
        }
        WriteMode mode = switch (get(properties, "write-mode", "write-back")) {
            case "write-through" -> WriteMode.WRITE_THROUGH;
            case "write-back" -> WriteMode.WRITE_BACK;
            default -> throw new IllegalArgumentException(PREFIX + "write-mode must be write-back or write-through");
        };
        int lag = integer(properties, "stored-expiry-lag-percent", RefreshDeferral.DEFAULT_LAG_PERCENT);
        if (lag < 0 || lag > RefreshDeferral.MAX_LAG_PERCENT) {
            throw new IllegalArgumentException(PREFIX + "stored-expiry-lag-percent must be 0 to "
                    + RefreshDeferral.MAX_LAG_PERCENT + ", not " + lag);
        }
        List<DigestAlgorithm> algorithms = new ArrayList<>();
        for (String token : get(properties, "digest-algorithms", "SHA-256,MD5").split(",")) {
            DigestAlgorithm algorithm = DigestAlgorithm.fromToken(token.strip());
            if (algorithm == null || algorithms.contains(algorithm)) {
                throw new IllegalArgumentException(PREFIX + "digest-algorithms lists SHA-256 and/or MD5 once each, not '"
                        + token.strip() + "'");
            }
            algorithms.add(algorithm);
        }
        return new RegistrarSettings(policy, Boolean.parseBoolean(get(properties, "authenticate", "true")),
                List.copyOf(algorithms),
                Duration.ofSeconds(integer(properties, "nonce-lifetime", 300)), secretBytes,
                integer(properties, "nonce-tracker-size", 200_000), mode,
                Duration.ofMillis(integer(properties, "flush-interval-ms", 1000)),
                integer(properties, "max-dirty", 50_000), lag,
                Duration.ofSeconds(integer(properties, "reap-interval", 60)),
                integer(properties, "reap-batch", 1000), optional(properties, "proxy-next-hop"));
    }

    /** The value of {@code key}, or null when it is absent or blank. */
    private static String optional(Properties properties, String key) {
        String value = properties.getProperty(PREFIX + key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String get(Properties properties, String key, String fallback) {
        return properties.getProperty(PREFIX + key, fallback).strip();
    }

    private static int integer(Properties properties, String key, int fallback) {
        String value = get(properties, key, Integer.toString(fallback));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be an integer, not '" + value + "'", e);
        }
    }
}
