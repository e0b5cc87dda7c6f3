package org.sipcity.registrar.registration;

import java.util.Locale;
import java.util.Set;

/**
 * The registrar's configuration. Defaults follow Kamailio's registrar module and RFC 3261 §10.2.1.1.
 *
 * @param domains         domains whose bindings this registrar holds (§10.3 step 1), lower case
 * @param defaultExpires  seconds granted when the request names none (default 3600, §10.2.1.1)
 * @param minExpires      shortest non-zero interval accepted; shorter ones get 423 with Min-Expires (default 60)
 * @param maxExpires      longest interval granted; longer requests are clamped (default 7200)
 * @param flowTimer       seconds advertised in Flow-Timer for outbound flows (RFC 5626 §4.4.1; default 120,
 *                        which keeps NAT bindings of TCP flows open with margin)
 * @param supportedOptionTags option-tags a Require may name (§8.2.2.3); "path" and "outbound" by default
 */
public record RegistrarPolicy(Set<String> domains, int defaultExpires, int minExpires, int maxExpires, int flowTimer,
        Set<String> supportedOptionTags) {

    public static final Set<String> DEFAULT_OPTION_TAGS = Set.of("path", "outbound");

    public RegistrarPolicy {
        domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        supportedOptionTags = Set.copyOf(supportedOptionTags);
        if (minExpires < 0 || maxExpires < minExpires || defaultExpires < minExpires || defaultExpires > maxExpires) {
            throw new IllegalArgumentException("need 0 <= min-expires (" + minExpires + ") <= default-expires ("
                    + defaultExpires + ") <= max-expires (" + maxExpires + ")");
        }
        if (flowTimer <= 0) {
            throw new IllegalArgumentException("flow-timer must be positive: " + flowTimer);
        }
    }

    public static RegistrarPolicy forDomains(Set<String> domains) {
        return new RegistrarPolicy(domains, 3600, 60, 7200, 120, DEFAULT_OPTION_TAGS);
    }

    public boolean servesDomain(String domain) {
        return domains.contains(domain.toLowerCase(Locale.ROOT));
    }
}
