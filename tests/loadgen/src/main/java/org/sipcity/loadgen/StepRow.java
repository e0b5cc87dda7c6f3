package org.sipcity.loadgen;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One step of the run: the flows held, how fast they were opened, and request latency measured while holding them.
 * Memory figures are -1 when not measured.
 */
public record StepRow(int step, int targetFlows, WorkerSnapshot afterGrow, double connectsPerSecond,
        Histogram setupLatency, ProbeMethod probeMethod, Histogram probeLatency, WorkerSnapshot afterProbe, long serverRssKb,
        long serverRssPerFlowBytes, long serverHeapKb, long serverHeapPerFlowBytes) {

    static final String CSV_HEADER = "step,target_flows,open_flows,registered,failures,connect_failures,"
            + "register_failures,dropped,connects_per_s,setup_p50_us,setup_p99_us,probe_method,probes,probe_p50_us,"
            + "probe_p90_us,probe_p99_us,probe_p999_us,probe_max_us,probe_failures,pings_sent,pongs_received,pongs_missed,"
            + "server_rss_kb,server_rss_per_flow_b,server_heap_kb,server_heap_per_flow_b";

    String toCsv() {
        return String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%s,%s,%s,%d,%s,%s,%s,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d",
                step, targetFlows, afterProbe.openFlows(), afterProbe.registered(), afterProbe.failures(),
                afterProbe.connectFailures(), afterProbe.registerFailures(), afterProbe.dropped(), connectsPerSecond,
                micros(setupLatency, 50), micros(setupLatency, 99), probeMethod, probeLatency.getTotalCount(),
                micros(probeLatency, 50), micros(probeLatency, 90), micros(probeLatency, 99), micros(probeLatency, 99.9),
                maxMicros(probeLatency), afterProbe.probeFailures(), afterProbe.pingsSent(),
                afterProbe.pongsReceived(), afterProbe.pongsMissed(), serverRssKb, serverRssPerFlowBytes, serverHeapKb,
                serverHeapPerFlowBytes);
    }

    /** Microseconds with one decimal; empty when nothing was measured. */
    static String micros(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.1f",
                histogram.getValueAtPercentile(percentile) / (double) TimeUnit.MICROSECONDS.toNanos(1));
    }

    static String maxMicros(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.1f", histogram.getMaxValue() / (double) TimeUnit.MICROSECONDS.toNanos(1));
    }
}
