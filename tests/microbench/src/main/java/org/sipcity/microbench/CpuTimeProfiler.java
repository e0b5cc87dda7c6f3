package org.sipcity.microbench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * Reports the CPU time the benchmark process used per operation ({@code cpu.time.norm}, in ns/op), next to the
 * wall-clock score. On a machine shared with other busy processes, the wall clock also counts the time the
 * benchmark thread waited for a core; CPU time does not, so it stays close to what the code costs on a core of
 * its own. It includes the JIT and GC threads, which are nearly idle at steady state.
 *
 * <p>Use: {@code java -jar benchmarks.jar -prof org.sipcity.microbench.CpuTimeProfiler ...}. With
 * {@code @OperationsPerInvocation} the operation is the unit given there (a byte for the framer: ns/byte, and
 * 1 / (ns/byte) is GB/s).
 */
public class CpuTimeProfiler implements InternalProfiler {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "Process CPU time per operation, robust to a machine shared with other busy processes";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = os.getProcessCpuTime();
    }

    @Override
    @SuppressWarnings("rawtypes") // JMH's InternalProfiler declares the raw Result type
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getMeasuredOps();
        if (cpu <= 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
    }
}
