package org.sipcity.loadgen;

import java.time.Duration;
import java.time.Instant;

/**
 * A set of flows the coordinator grows, probes and holds: in this process ({@link FlowPool}) or in a forked JVM
 * ({@link ForkedWorker}). Every call returns by {@code deadline} at the latest, with a snapshot taken after it.
 */
public interface Worker extends AutoCloseable {

    /** Opens connections until {@code flows} are open (or tried), and waits for their first registration. */
    WorkerSnapshot grow(int flows, Instant deadline);

    /**
     * Removes the newest flows until {@code flows} are left: each unregisters (REGISTER with Expires: 0) and then closes
     * its connection, so that the server holds as many bindings as connections again. A later {@link #grow} opens
     * them anew (the same users).
     */
    WorkerSnapshot shrink(int flows, Instant deadline);

    /** Sends {@code probes} requests on random registered flows, paced at {@code perSecond}, and waits for their answers. */
    WorkerSnapshot probe(ProbeMethod method, int probes, double perSecond, Instant deadline);

    /** Keeps the flows as they are (pinging, refreshing) for {@code duration}. */
    WorkerSnapshot hold(Duration duration, Instant deadline);

    /** Closes every flow; returns when they are closed or after a few seconds. */
    @Override
    void close();
}
