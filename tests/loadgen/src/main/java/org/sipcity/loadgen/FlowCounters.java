package org.sipcity.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** What one worker's flows counted and measured; written on event loops, read by snapshots. */
final class FlowCounters {

    /** Latencies above a minute are recorded as a minute: a REGISTER that slow has failed anyway. */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    final LongAdder connected = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder registered = new LongAdder();
    final LongAdder registerFailures = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder pingsSent = new LongAdder();
    final LongAdder pongsReceived = new LongAdder();
    final LongAdder pongsMissed = new LongAdder();
    final LongAdder flowsPonged = new LongAdder();
    final LongAdder refreshes = new LongAdder();
    final LongAdder refreshFailures = new LongAdder();
    final LongAdder probesSent = new LongAdder();
    final LongAdder probeFailures = new LongAdder();
    final LongAdder challenges = new LongAdder();
    private final Recorder setupLatency = new Recorder(HIGHEST_NANOS, 3);
    private final Recorder probeLatency = new Recorder(HIGHEST_NANOS, 3);
    /** Each probe's send time and latency when asked for ({@link ProbeSamples#PROPERTY}), else null. */
    private final ProbeSamples probeSamples = ProbeSamples.fromSystemProperty();

    /** The first registration of a flow, from the first REGISTER sent to its 200 (a 401 round trip included). */
    void recordSetup(long nanos) {
        setupLatency.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }

    /** A probe (REGISTER on a registered flow, or OPTIONS), from sending to its final 2xx. */
    void recordProbe(long nanos) {
        probeLatency.recordValue(Math.min(nanos, HIGHEST_NANOS));
        if (probeSamples != null) {
            probeSamples.record(nanos);
        }
    }

    /** Cumulative counts, and the latencies recorded since the previous snapshot. */
    WorkerSnapshot snapshot(long openFlows) {
        Histogram setup = setupLatency.getIntervalHistogram();
        Histogram register = probeLatency.getIntervalHistogram();
        if (probeSamples != null) {
            probeSamples.write();
        }
        return new WorkerSnapshot(openFlows, connected.sum(), connectFailures.sum(), registered.sum(),
                registerFailures.sum(), dropped.sum(), pingsSent.sum(), pongsReceived.sum(), pongsMissed.sum(),
                flowsPonged.sum(), refreshes.sum(), refreshFailures.sum(), probesSent.sum(), probeFailures.sum(), challenges.sum(), setup,
                register);
    }
}
