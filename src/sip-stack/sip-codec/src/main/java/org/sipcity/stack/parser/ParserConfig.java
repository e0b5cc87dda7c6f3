package org.sipcity.stack.parser;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Limits and choices of {@link SipMessageParser}.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 * <tr><td>maxMessageSize</td><td>65535</td><td>larger messages get 513 Message Too Large (RFC 3261 §18.1.1,
 *     §21.5.11); 65535 is the largest UDP payload</td></tr>
 * <tr><td>requestUriSchemes</td><td>sip, sips, tel</td><td>Request-URI schemes served; any other gets 416
 *     Unsupported URI Scheme (RFC 3261 §8.2.2.1)</td></tr>
 * </table>
 */
public record ParserConfig(int maxMessageSize, Set<String> requestUriSchemes) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65535;

    public ParserConfig {
        if (maxMessageSize < 256) {
            throw new IllegalArgumentException("maxMessageSize must be at least 256: " + maxMessageSize);
        }
        requestUriSchemes = requestUriSchemes.stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public static ParserConfig defaults() {
        return new ParserConfig(DEFAULT_MAX_MESSAGE_SIZE, Set.of("sip", "sips", "tel"));
    }

    public ParserConfig withMaxMessageSize(int size) {
        return new ParserConfig(size, requestUriSchemes);
    }

    public ParserConfig withRequestUriSchemes(Set<String> schemes) {
        return new ParserConfig(maxMessageSize, schemes);
    }
}
