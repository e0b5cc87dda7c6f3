package org.sipcity.loadgen;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One worker's counts (cumulative since it started) and latencies (since its previous snapshot), or the sum of
 * several workers'. Crosses the process boundary as one text line ({@link #toLine()}, {@link #parse(String)}).
 *
 * @param openFlows       connections open now
 * @param connected       connections ever established
 * @param registered      flows whose first REGISTER got a 2xx
 * @param registerFailures flows whose first REGISTER failed (final non-2xx, timeout, closed)
 * @param dropped         established connections closed by the peer or an error, not by us
 * @param flowsPonged     flows that got at least one pong
 * @param setupLatency    first registrations: first REGISTER sent to 200, nanoseconds
 * @param probeLatency REGISTERs on registered flows (probes, refreshes), nanoseconds
 */
public record WorkerSnapshot(long openFlows, long connected, long connectFailures, long registered,
        long registerFailures, long dropped, long pingsSent, long pongsReceived, long pongsMissed, long flowsPonged,
        long refreshes, long refreshFailures, long probesSent, long probeFailures, long challenges, Histogram setupLatency,
        Histogram probeLatency) {

    static final String LINE_PREFIX = "@@SNAPSHOT ";

    public static WorkerSnapshot empty() {
        return new WorkerSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, histogram(), histogram());
    }

    static Histogram histogram() {
        return new Histogram(FlowCounters.HIGHEST_NANOS, 3);
    }

    public WorkerSnapshot plus(WorkerSnapshot o) {
        Histogram setup = setupLatency.copy();
        setup.add(o.setupLatency);
        Histogram register = probeLatency.copy();
        register.add(o.probeLatency);
        return new WorkerSnapshot(openFlows + o.openFlows, connected + o.connected, connectFailures + o.connectFailures,
                registered + o.registered, registerFailures + o.registerFailures, dropped + o.dropped,
                pingsSent + o.pingsSent, pongsReceived + o.pongsReceived, pongsMissed + o.pongsMissed,
                flowsPonged + o.flowsPonged, refreshes + o.refreshes, refreshFailures + o.refreshFailures, probesSent + o.probesSent,
                probeFailures + o.probeFailures, challenges + o.challenges, setup, register);
    }

    /** Every flow that failed to connect, failed to register or was dropped, and every failed refresh. */
    public long failures() {
        return connectFailures + registerFailures + dropped + refreshFailures;
    }

    String toLine() {
        Map<String, Object> fields = counts();
        StringBuilder line = new StringBuilder(LINE_PREFIX);
        fields.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
        line.append("setup=").append(encode(setupLatency)).append(" probe=").append(encode(probeLatency));
        return line.toString();
    }

    static WorkerSnapshot parse(String line) {
        if (!line.startsWith(LINE_PREFIX)) {
            throw new IllegalArgumentException("Not a snapshot line: " + line);
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (String pair : line.substring(LINE_PREFIX.length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            f.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new WorkerSnapshot(l(f, "openFlows"), l(f, "connected"), l(f, "connectFailures"), l(f, "registered"),
                l(f, "registerFailures"), l(f, "dropped"), l(f, "pingsSent"), l(f, "pongsReceived"),
                l(f, "pongsMissed"), l(f, "flowsPonged"), l(f, "refreshes"), l(f, "refreshFailures"), l(f, "probesSent"),
                l(f, "probeFailures"), l(f, "challenges"), decode(f.get("setup")), decode(f.get("probe")));
    }

    private Map<String, Object> counts() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("openFlows", openFlows);
        f.put("connected", connected);
        f.put("connectFailures", connectFailures);
        f.put("registered", registered);
        f.put("registerFailures", registerFailures);
        f.put("dropped", dropped);
        f.put("pingsSent", pingsSent);
        f.put("pongsReceived", pongsReceived);
        f.put("pongsMissed", pongsMissed);
        f.put("flowsPonged", flowsPonged);
        f.put("refreshes", refreshes);
        f.put("refreshFailures", refreshFailures);
        f.put("probesSent", probesSent);
        f.put("probeFailures", probeFailures);
        f.put("challenges", challenges);
        return f;
    }

    private static long l(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Snapshot line lacks " + name);
        }
        return Long.parseLong(value);
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram decode(String base64) {
        if (base64 == null) {
            throw new IllegalArgumentException("Snapshot line lacks a histogram");
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)),
                    FlowCounters.HIGHEST_NANOS);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("Snapshot histogram is corrupt", e);
        }
    }

    @Override
    public String toString() {
        return "WorkerSnapshot" + counts() + " setup n=" + setupLatency.getTotalCount() + " register n="
                + probeLatency.getTotalCount();
    }
}
