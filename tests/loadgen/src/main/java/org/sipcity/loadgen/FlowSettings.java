package org.sipcity.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What every flow of one worker does: where it connects from and to, who it registers as, and how often it pings and
 * refreshes.
 *
 * @param target           the registrar, loopback only
 * @param sources          local addresses bound before connecting, used in turn (each offers its own ephemeral ports)
 * @param domain           the registrar's domain in the Request-URI, From and To
 * @param userPattern      user name pattern with one {@code %d} (the flow's global index)
 * @param passwordPattern  password pattern with one {@code %d}
 * @param firstUser        index of this worker's first user, so users differ across worker processes
 * @param registerExpires  the Expires asked for; refreshed at 80-95% of it (RFC 3261 §10.2.4: before it lapses)
 * @param pingInterval     the RFC 5626 §4.4.1 keep-alive interval; each ping is sent after 80-100% of it
 * @param responseTimeout  a REGISTER without a final answer after this long counts as failed (Timer F, 64·T1)
 * @param pongTimeout      a ping without a pong after this long counts as missed (RFC 5626 §4.4.1: 10 s)
 * @param setupConcurrency connections being opened and registered at once, to stay under the listen backlog
 */
public record FlowSettings(InetSocketAddress target, List<InetAddress> sources, String domain, String userPattern,
        String passwordPattern, int firstUser, Duration registerExpires, Duration pingInterval, Duration responseTimeout,
        Duration pongTimeout, int setupConcurrency) {

    public FlowSettings {
        Objects.requireNonNull(target, "target");
        LoopbackAddresses.loopback(target.getAddress().getHostAddress(), "target");
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("At least one source address is needed");
        }
        sources.forEach(source -> LoopbackAddresses.loopback(source.getHostAddress(), "source"));
        FlowRequests.registrarUri(Objects.requireNonNull(domain, "domain"));
        requirePattern(userPattern, "user pattern");
        requirePattern(passwordPattern, "password pattern");
        requirePositive(registerExpires, "register interval");
        requirePositive(pingInterval, "ping interval");
        requirePositive(responseTimeout, "response timeout");
        requirePositive(pongTimeout, "pong timeout");
        if (registerExpires.toSeconds() < 1) {
            throw new IllegalArgumentException("The register interval must be at least 1 s (Expires is in seconds)");
        }
        if (setupConcurrency < 1) {
            throw new IllegalArgumentException("setup concurrency must be positive");
        }
    }

    public String user(int index) {
        return String.format(userPattern, index);
    }

    public String password(int index) {
        return String.format(passwordPattern, index);
    }

    private static void requirePattern(String pattern, String what) {
        if (pattern == null || !pattern.contains("%d")) {
            throw new IllegalArgumentException("The " + what + " needs one %d, got '" + pattern + "'");
        }
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive, got " + duration);
        }
    }
}
