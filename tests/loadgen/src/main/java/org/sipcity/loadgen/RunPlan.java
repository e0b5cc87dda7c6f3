package org.sipcity.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape of one run: flows grow (or shrink) step by step to each of {@code targets} (every {@code step} up to
 * {@code connections}, or an explicit list such as 1,000 then 19,000, or 1,000, 19,000, 1,000, 19,000 to measure each
 * count twice with the order's drift cancelled: a shrinking step unregisters and closes the newest flows); after each
 * step (and, at the first, {@code warmupProbes} unmeasured requests at {@code warmupRate}, so the first row does not
 * measure the JIT compiling the server's and the generator's code) the server's memory is sampled if asked, then the
 * run waits {@code settle} (so the server's work for the step's new flows, a write-back flush, a collection, the
 * sample's full GC, is over before measuring), then {@code probesPerStep} requests of {@code probeMethod} are measured
 * at {@code probeRate} per second; then the flows are held for {@code hold}. Nothing runs past {@code duration} after
 * the start.
 */
public record RunPlan(List<Integer> targets, ProbeMethod probeMethod, int warmupProbes, double warmupRate,
        int probesPerStep, double probeRate, Duration settle, Duration duration, Duration hold, Path csv) {

    public RunPlan {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one step");
        }
        int previous = 0;
        for (int target : targets) {
            if (target <= 0 || target == previous) {
                throw new IllegalArgumentException("step targets must be positive and each differ from the one before: "
                        + targets);
            }
            previous = target;
        }
        if (warmupProbes < 0 || probesPerStep < 0 || !(probeRate > 0) || !(warmupRate > 0)) {
            throw new IllegalArgumentException("probes must not be negative and the probe rates must be positive");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        if (settle == null || settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative: " + settle);
        }
        Objects.requireNonNull(probeMethod, "probeMethod");
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(csv, "csv");
    }

    /** Flows grown by {@code step} up to {@code connections}, no settling pause. */
    public RunPlan(int connections, int step, ProbeMethod probeMethod, int warmupProbes, int probesPerStep,
            double probeRate, Duration duration, Duration hold, Path csv) {
        this(everyStep(connections, step), probeMethod, warmupProbes, probeRate, probesPerStep, probeRate,
                Duration.ZERO, duration, hold, csv);
    }

    /** {@code step}, 2 {@code step}, ... up to and including {@code connections}. */
    static List<Integer> everyStep(int connections, int step) {
        if (connections < 1 || step < 1) {
            throw new IllegalArgumentException("connections and step must be positive");
        }
        List<Integer> targets = new ArrayList<>();
        for (int target = step; target < connections; target += step) {
            targets.add(target);
        }
        targets.add(connections);
        return targets;
    }

    /** The most flows open at once: the largest step. */
    public int connections() {
        return targets.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** How many steps the run has at most. */
    public int steps() {
        return targets.size();
    }
}
