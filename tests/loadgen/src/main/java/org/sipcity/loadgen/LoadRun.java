package org.sipcity.loadgen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Drives the workers step by step (the paper's Figure 4: response time against the number of connections): grows
 * every worker to its share of the step's flows, samples the server's memory, measures REGISTER (or OPTIONS)
 * latency with probes, and appends a CSV row, flushed at once so a run cut short keeps its steps.
 */
public final class LoadRun {

    private static final Logger LOG = Logger.getLogger(LoadRun.class);

    private final RunPlan plan;
    private final List<Worker> workers;
    private final ServerMemoryProbe memory;

    /** @param memory null when no server process is watched */
    public LoadRun(RunPlan plan, List<? extends Worker> workers, ServerMemoryProbe memory) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("At least one worker is needed");
        }
        this.plan = plan;
        this.workers = List.copyOf(workers);
        this.memory = memory;
    }

    /** What a run measured: one row per step done and the counts at its end. */
    public record Result(List<StepRow> steps, WorkerSnapshot end, boolean cutShortByDuration) {
    }

    public Result run() {
        Instant start = Instant.now();
        Instant deadline = start.plus(plan.duration());
        long baselineRss = memory == null ? -1 : memory.rssKb().orElse(-1);
        long baselineHeap = memory == null ? -1 : memory.liveHeapKb().orElse(-1);
        List<StepRow> rows = new ArrayList<>();
        ExecutorService calls = Executors.newFixedThreadPool(workers.size(), runnable -> {
            Thread thread = new Thread(runnable, "loadgen-coordinator");
            thread.setDaemon(true);
            return thread;
        });
        boolean cutShort = false;
        try (BufferedWriter csv = Files.newBufferedWriter(plan.csv(), StandardCharsets.UTF_8)) {
            csv.write(StepRow.CSV_HEADER);
            csv.newLine();
            csv.flush();
            WorkerSnapshot previous = WorkerSnapshot.empty();
            for (int step = 1; step <= plan.steps(); step++) {
                if (!Instant.now().isBefore(deadline)) {
                    cutShort = true;
                    break;
                }
                int target = plan.targets().get(step - 1);
                long growStart = System.nanoTime();
                boolean shrinking = step > 1 && target < plan.targets().get(step - 2);
                WorkerSnapshot grown = all(calls, (worker, i) -> shrinking ? worker.shrink(share(target, i), deadline)
                        : worker.grow(share(target, i), deadline));
                double seconds = (System.nanoTime() - growStart) / 1e9;
                double connectsPerSecond = (grown.connected() - previous.connected()) / Math.max(seconds, 1e-9);
                if (step == 1 && plan.warmupProbes() > 0) {
                    all(calls, (worker, i) -> worker.probe(plan.probeMethod(), share(plan.warmupProbes(), i),
                            plan.warmupRate() / workers.size(), deadline)); // latencies dropped with this snapshot
                }
                // the heap sample is a full GC: before the rest, so that the probes meet neither its pause nor what
                // the server does after it (and each step's probes start on an emptied young generation)
                long rss = memory == null ? -1 : memory.rssKb().orElse(-1);
                long heap = memory == null ? -1 : memory.liveHeapKb().orElse(-1);
                settle(deadline);
                WorkerSnapshot probed = all(calls, (worker, i) -> worker.probe(plan.probeMethod(), share(plan.probesPerStep(), i),
                        plan.probeRate() / workers.size(), deadline));
                StepRow row = new StepRow(step, target, grown, connectsPerSecond, grown.setupLatency(),
                        plan.probeMethod(), probed.probeLatency(), probed, rss, perFlowBytes(rss, baselineRss, grown.openFlows()), heap,
                        perFlowBytes(heap, baselineHeap, grown.openFlows()));
                rows.add(row);
                csv.write(row.toCsv());
                csv.newLine();
                csv.flush();
                LOG.infof("Step %d: %d flows open, %d registered, %d failures, %.0f connects/s, %s p50 %s us "
                        + "p99 %s us p99.9 %s us (%d probes), server RSS %d kB (%d B/flow), heap after full GC %d kB (%d B/flow)", step, probed.openFlows(),
                        probed.registered(), probed.failures(), connectsPerSecond, plan.probeMethod(), StepRow.micros(probed.probeLatency(), 50),
                        StepRow.micros(probed.probeLatency(), 99), StepRow.micros(probed.probeLatency(), 99.9),
                        probed.probeLatency().getTotalCount(), rss,
                        row.serverRssPerFlowBytes(), heap, row.serverHeapPerFlowBytes());
                previous = probed;
            }
            WorkerSnapshot end = all(calls, (worker, i) -> worker.hold(plan.hold(), deadline));
            return new Result(List.copyOf(rows), end, cutShort || !Instant.now().isBefore(deadline));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + plan.csv(), e);
        } finally {
            calls.shutdownNow();
        }
    }

    /** Waits the plan's settling time, never past the deadline. */
    private void settle(Instant deadline) {
        long millis = Math.min(plan.settle().toMillis(), Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while settling", e);
            }
        }
    }

    /** Worker {@code i}'s part of {@code total}: equal shares, the remainder to the first workers. */
    int share(int total, int i) {
        int n = workers.size();
        return total / n + (i < total % n ? 1 : 0);
    }

    private static long perFlowBytes(long kb, long baselineKb, long flows) {
        if (kb < 0 || baselineKb < 0 || flows <= 0) {
            return -1;
        }
        return (kb - baselineKb) * 1024 / flows;
    }

    /** Runs one call on every worker at once and sums their snapshots. */
    private WorkerSnapshot all(ExecutorService calls, BiFunction<Worker, Integer, WorkerSnapshot> call) {
        List<Future<WorkerSnapshot>> futures = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker worker = workers.get(i);
            int index = i;
            futures.add(calls.submit(() -> call.apply(worker, index)));
        }
        WorkerSnapshot sum = WorkerSnapshot.empty();
        for (Future<WorkerSnapshot> future : futures) {
            try {
                sum = sum.plus(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("A worker failed: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the workers", e);
            }
        }
        return sum;
    }
}
