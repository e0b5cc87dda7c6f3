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
 * </table>
 */
public record SipContainerConfig(int workerThreads, int queueCapacity, int retryAfterSeconds,
                                 SipApplicationRouter applicationRouter, Properties routerProperties, String threadName,
                                 String advertisedHost) {

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
        Objects.requireNonNull(threadName, "threadName");
    }

    public static SipContainerConfig defaults() {
        return new SipContainerConfig(16, 10_000, 5, null, new Properties(), "sip-worker", null);
    }

    public SipContainerConfig withWorkers(int threads, int capacity) {
        return new SipContainerConfig(threads, capacity, retryAfterSeconds, applicationRouter, routerProperties, threadName,
                advertisedHost);
    }

    public SipContainerConfig withRouterProperties(Properties properties) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, properties, threadName,
                advertisedHost);
    }

    public SipContainerConfig withApplicationRouter(SipApplicationRouter router) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, router, routerProperties, threadName,
                advertisedHost);
    }

    /** The host name or address to advertise in the URIs the container writes (null: the connector's address). */
    public SipContainerConfig withAdvertisedHost(String host) {
        return new SipContainerConfig(workerThreads, queueCapacity, retryAfterSeconds, applicationRouter, routerProperties,
                threadName, host);
    }
}
