package org.sipcity.sip.container.api;

import java.util.Objects;
import java.util.Properties;
import javax.servlet.sip.ar.SipApplicationRouter;

/**
 * Settings of a {@link SipContainer}.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>workerThreads</td><td>16</td><td>threads servlet code runs on; it may block (JPA)</td></tr>
 *   <tr><td>queueCapacity</td><td>10,000</td><td>tasks waiting for a worker before new initial requests get 503;
 *       other messages are admitted up to twice that</td></tr>
 *   <tr><td>retryAfterSeconds</td><td>5</td><td>Retry-After of that 503 (RFC 3261 §20.33)</td></tr>
 *   <tr><td>applicationRouter</td><td>none</td><td>a JSR 289 §15 application router; without one the
 *       container's default router reads {@code routerProperties}</td></tr>
 *   <tr><td>routerProperties</td><td>empty</td><td>Appendix C default application router configuration; when empty
 *       and one application is deployed, every initial request goes to it</td></tr>
 *   <tr><td>threadName</td><td>sip-worker</td><td>prefix of the worker thread names</td></tr>
 *   <tr><td>advertisedHost</td><td>none</td><td>host written into the Contact, Record-Route and Path URIs the
 *       container makes (as Kamailio's {@code advertised_address}); without it, the connector's address, which is
 *       useless when the connector listens on a wildcard address or behind NAT</td></tr>
 *   <tr><td>slowInlineTaskMillis</td><td>20</td><td>a task of an application declared inline that holds its event
 *       loop this long or longer is counted and logged (rate-limited), with the application's name</td></tr>
 *   <tr><td>inlineDispatch</td><td>true</td><td>whether applications declared inline run on the event loops; false
 *       runs every application on the workers whatever it declares (the operator's switch for an inline application
 *       whose database is a network round trip away)</td></tr>
 *   <tr><td>hostResolver</td><td>the system's</td><td>resolves the host name of a next hop, on a worker (never on an
 *       event loop: a DNS query may block for seconds)</td></tr>
 * </table>
 */
public record SipContainerConfig(int workerThreads, int queueCapacity, int retryAfterSeconds,
                                 SipApplicationRouter applicationRouter, Properties routerProperties, String threadName,
                                 String advertisedHost, long slowInlineTaskMillis, boolean inlineDispatch,
                                 HostResolver hostResolver) {

    /** An inline task this long holds up every connection of its loop for 20 ms: the lag's low mark. */
    public static final long DEFAULT_SLOW_INLINE_TASK_MILLIS = 20;

    /** The settings without a slow-inline-task threshold of their own (the default's). */
    public SipContainerConfig(int workerThreads, int queueCapacity, int retryAfterSeconds,
                              SipApplicationRouter applicationRouter, Properties routerProperties, String threadName,
                              String advertisedHost) {
        this(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties, threadName,
                advertisedHost, DEFAULT_SLOW_INLINE_TASK_MILLIS, true, HostResolver.SYSTEM);
    }

    public SipContainerConfig {
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1: " + workerThreads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds cannot be negative: " + retryAfterSeconds);
        }
        routerProperties = routerProperties == null ? new Properties() : routerProperties;
        hostResolver = hostResolver == null ? HostResolver.SYSTEM : hostResolver;
        Objects.requireNonNull(threadName, "threadName");
        if (slowInlineTaskMillis < 1) {
            throw new IllegalArgumentException("slowInlineTaskMillis must be at least 1: " + slowInlineTaskMillis);
        }
    }

    public static SipContainerConfig defaults() {
        return new SipContainerConfig(16, 10_000, 5, null, new Properties(), "sip-worker", null);
    }

    public SipContainerConfig withWorkers(int threads, int capacity) {
        return new SipContainerConfig(threads, capacity, retryAfterSeconds, applicationRouter, routerProperties, threadName,
                advertisedHost, slowInlineTaskMillis, inlineDispatch, hostResolver);
    }

    public SipContainerConfig withRouterProperties(Properties properties) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, properties, threadName,
                advertisedHost, slowInlineTaskMillis, inlineDispatch, hostResolver);
    }

    public SipContainerConfig withApplicationRouter(SipApplicationRouter router) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, router, routerProperties, threadName,
                advertisedHost, slowInlineTaskMillis, inlineDispatch, hostResolver);
    }

    /** The host name or address to advertise in the URIs the container writes (null: the connector's address). */
    public SipContainerConfig withAdvertisedHost(String host) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties,
                threadName, host, slowInlineTaskMillis, inlineDispatch, hostResolver);
    }

    /** The threshold at which a task of an inline application is counted and logged as slow. */
    public SipContainerConfig withSlowInlineTaskMillis(long millis) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties,
                threadName, advertisedHost, millis, inlineDispatch, hostResolver);
    }

    /**
     * Whether applications declared inline run on the event loops (true, the default); false sends every
     * application's tasks to the workers, as if none declared inline.
     */
    public SipContainerConfig withInlineDispatch(boolean enabled) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties,
                threadName, advertisedHost, slowInlineTaskMillis, enabled, hostResolver);
    }

    /** The resolver of next hops' host names (called on workers only). */
    public SipContainerConfig withHostResolver(HostResolver resolver) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties,
                threadName, advertisedHost, slowInlineTaskMillis, inlineDispatch, resolver);
    }
}
