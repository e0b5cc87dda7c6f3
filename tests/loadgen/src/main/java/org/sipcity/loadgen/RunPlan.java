package org.sipcity.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The shape of one run: flows grow by {@code step} up to {@code connections}; after each step {@code probesPerStep}
 * requests of {@code probeMethod} are measured (after {@code warmupProbes} unmeasured ones before the first step's,
 * so the first row does not measure the JIT compiling the server's and the generator's code) at {@code probeRate} per second; then the flows are held for {@code hold}. Nothing runs
 * past {@code duration} after the start.
 */
public record RunPlan(int connections, int step, ProbeMethod probeMethod, int warmupProbes, int probesPerStep,
        double probeRate, Duration duration, Duration hold,
        Path csv) {

    public RunPlan {
        if (connections < 1 || step < 1) {
            throw new IllegalArgumentException("connections and step must be positive");
        }
        if (warmupProbes < 0 || probesPerStep < 0 || !(probeRate > 0)) {
            throw new IllegalArgumentException("probes must not be negative and the probe rate must be positive");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        Objects.requireNonNull(probeMethod, "probeMethod");
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(csv, "csv");
    }

    /** How many steps the run has at most. */
    public int steps() {
        return (connections + step - 1) / step;
    }
}
