package org.sipcity.loadgen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;

/**
 * Every probe's send time and latency, for lining slow probes up with what the server did at that moment
 * ({@code tests/bench/tail_causes.py}: one line per probe, send time in epoch ns and latency in ns). Off unless the
 * worker JVM runs with {@code -D}{@value #PROPERTY}{@code =<file prefix>}; then each process appends to
 * {@code <prefix>-<pid>.txt}. Probes are kept in memory while they run and written when a command's snapshot is taken,
 * so the event loops never wait for the file.
 */
final class ProbeSamples {

    static final String PROPERTY = "sipcity.loadgen.probe-samples";
    /** Two longs per probe: a run's probes (tens of thousands) fit without growing much. */
    private static final int INITIAL_PROBES = 4096;

    private final Path file;
    private long[] pairs = new long[2 * INITIAL_PROBES];
    private int count;

    private ProbeSamples(Path file) {
        this.file = file;
    }

    /** The samples this process keeps, or null when the property is not set. */
    static ProbeSamples fromSystemProperty() {
        String prefix = System.getProperty(PROPERTY);
        return prefix == null || prefix.isBlank() ? null
                : new ProbeSamples(Path.of(prefix + "-" + ProcessHandle.current().pid() + ".txt"));
    }

    /** A probe answered now after {@code nanos}. */
    synchronized void record(long nanos) {
        Instant now = Instant.now();
        long doneEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        if (2 * count == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * count] = doneEpochNanos - nanos;
        pairs[2 * count + 1] = nanos;
        count++;
    }

    /** Appends what was recorded since the last call to the file. */
    void write() {
        long[] taken;
        int n;
        synchronized (this) {
            taken = pairs;
            n = count;
            pairs = new long[2 * INITIAL_PROBES];
            count = 0;
        }
        if (n == 0) {
            return;
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            for (int i = 0; i < n; i++) {
                out.write(taken[2 * i] + " " + taken[2 * i + 1]);
                out.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("probe samples not written to " + file, e);
        }
    }
}
