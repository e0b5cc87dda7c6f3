package org.sipcity.stack.transport;

import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by all connectors of one {@link SipTransports}: the event loops. Immutable.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th><th>why</th></tr>
 * <tr><td>{@code eventLoopThreads}</td><td>number of processors</td><td>each loop serves many thousands of
 *     connections; more threads than cores only add switching</td></tr>
 * <tr><td>{@code nativeEpoll}</td><td>{@code Epoll.isAvailable()}</td><td>edge-triggered epoll, SO_REUSEPORT
 *     and less garbage than NIO on Linux; NIO elsewhere</td></tr>
 * <tr><td>{@code threadNamePrefix}</td><td>{@code sip-io}</td><td>names the threads in dumps</td></tr>
 * <tr><td>{@code shutdownTimeout}</td><td>5 s</td><td>bound on closing connections at stop</td></tr>
 * </table>
 */
public final class SipTransportsConfig {

    private final int eventLoopThreads;
    private final boolean nativeEpoll;
    private final String threadNamePrefix;
    private final Duration shutdownTimeout;

    private SipTransportsConfig(Builder b) {
        this.eventLoopThreads = b.eventLoopThreads;
        this.nativeEpoll = b.nativeEpoll;
        this.threadNamePrefix = b.threadNamePrefix;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    public static SipTransportsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    public boolean nativeEpoll() {
        return nativeEpoll;
    }

    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Builds a {@link SipTransportsConfig}. */
    public static final class Builder {
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
        private boolean nativeEpoll = Epoll.isAvailable();
        private String threadNamePrefix = "sip-io";
        private Duration shutdownTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        public Builder eventLoopThreads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("eventLoopThreads must be positive: " + threads);
            }
            this.eventLoopThreads = threads;
            return this;
        }

        /**
         * Asks for native epoll ({@code true}) or Java NIO ({@code false}).
         *
         * @throws IllegalStateException if epoll is asked for where it is unavailable, naming the cause
         */
        public Builder nativeEpoll(boolean nativeEpoll) {
            if (nativeEpoll && !Epoll.isAvailable()) {
                throw new IllegalStateException("native epoll transport is not available here",
                        Epoll.unavailabilityCause());
            }
            this.nativeEpoll = nativeEpoll;
            return this;
        }

        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = Objects.requireNonNull(prefix, "threadNamePrefix");
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        public SipTransportsConfig build() {
            return new SipTransportsConfig(this);
        }
    }
}
