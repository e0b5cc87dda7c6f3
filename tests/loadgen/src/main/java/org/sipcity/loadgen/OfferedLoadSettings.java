package org.sipcity.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What an open-loop REGISTER load offers: {@code rate} requests per second over {@code connections} sockets (TCP
 * connections or UDP sockets, taking the source addresses in turn) for {@code duration}, for users
 * {@code userPattern} formatted with {@code firstUser .. firstUser + users - 1}; a request unanswered after
 * {@code responseTimeout} has timed out. {@code run} makes this run's Call-IDs unique. {@code socketBuffer}: SO_SNDBUF
 * and SO_RCVBUF of each socket in bytes, 0 for the OS default (over TCP: autotuned, up to {@code tcp_wmem}'s maximum).
 */
record OfferedLoadSettings(InetSocketAddress target, boolean udp, int connections, List<InetAddress> sources,
        double rate, Duration duration, Duration responseTimeout, String domain, String userPattern, int users,
        int firstUser, String run, int socketBuffer) {

    OfferedLoadSettings {
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("--connections must be 1-256, got " + connections);
        }
        if (rate <= 0 || rate > 1_000_000) {
            throw new IllegalArgumentException("--rate must be above 0 and at most 1,000,000/s, got " + rate);
        }
        if (users < connections) {
            throw new IllegalArgumentException("--users must be at least --connections (" + connections + "), got " + users);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--duration must be above 0 and at most 10 minutes, got " + duration);
        }
        if (responseTimeout.toMillis() < 100 || responseTimeout.compareTo(Duration.ofSeconds(64)) > 0) {
            throw new IllegalArgumentException("--response-timeout must be 100 ms-64 s, got " + responseTimeout);
        }
        if (socketBuffer < 0 || socketBuffer > (64 << 20)) {
            throw new IllegalArgumentException("--socket-buffer must be 0-64 MiB, got " + socketBuffer);
        }
    }
}
