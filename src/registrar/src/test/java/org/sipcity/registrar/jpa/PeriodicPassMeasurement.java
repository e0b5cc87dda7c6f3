package org.sipcity.registrar.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.location.jpa.RefreshDeferral;
import org.sipcity.registrar.location.jpa.Transactions;
import org.sipcity.registrar.registration.MutableClock;

/**
 * Measures the periodic passes of the write-back location service as the REGISTER p99 benchmark drives them
 * (tests/loadgen/p99-flows.sh: one binding per AOR, an hour's lifetime, refreshes on randomly chosen AORs at a steady
 * rate): the CPU time and wall time of every 1 s flush, which also looks at the deferred rows that fall due, and of the
 * reaper's run when nothing has expired. What grows with the number of AORs while the work due does not is what this
 * shows; figures in tests/SCALE.md. Not a test of speed: it asserts only that no flush failed and that the reaper
 * deleted nothing. Run with {@code -Dtest=PeriodicPassMeasurement -Dsipcity.periodic.aors=1000,19000
 * [-Dsipcity.periodic.rate=250] [-Dsipcity.periodic.seconds=120]}; the clock moves 1 s per flush.
 */
@EnabledIfSystemProperty(named = "sipcity.periodic.aors", matches = "\\d+(,\\d+)*")
class PeriodicPassMeasurement {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = "H2")
    void flushes_and_reaper_runs_under_steady_refreshes(TestDatabase database) {
        for (String aors : System.getProperty("sipcity.periodic.aors").split(",")) {
            measure(database, Integer.parseInt(aors));
        }
    }

    private static void measure(TestDatabase database, int aors) {
        int rate = Integer.getInteger("sipcity.periodic.rate", 250);
        int seconds = Integer.getInteger("sipcity.periodic.seconds", 120);
        String name = "periodic-measurement";
        String unreachable = database.unreachableReason(name);
        assumeTrue(unreachable == null, unreachable);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Random random = new Random(6);
        try (EntityManagerFactory factory = database.open(name)) {
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
            MutableClock clock = new MutableClock(NOW);
            try (JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofHours(1),
                    Integer.MAX_VALUE, new RefreshDeferral(RefreshDeferral.DEFAULT_LAG_PERCENT, Duration.ofSeconds(1),
                            clock))) {
                long[] cseq = new long[aors];
                for (int i = 0; i < aors; i++) {
                    service.apply(change(i, ++cseq[i], clock));
                }
                service.flush();
                long[] flushCpu = new long[seconds];
                long[] flushWall = new long[seconds];
                long reapCpu = 0;
                long reapWall = 0;
                int reaps = 0;
                for (int second = 0; second < seconds; second++) {
                    clock.advance(Duration.ofSeconds(1));
                    for (int r = 0; r < rate; r++) {
                        int i = random.nextInt(aors);
                        service.apply(change(i, ++cseq[i], clock));
                    }
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    service.flush();
                    flushWall[second] = System.nanoTime() - wall0;
                    flushCpu[second] = threads.getCurrentThreadCpuTime() - cpu0;
                    if (second % 30 == 29) {
                        cpu0 = threads.getCurrentThreadCpuTime();
                        wall0 = System.nanoTime();
                        assertThat(service.reapExpired(clock.instant(), 1000)).isZero();
                        reapWall += System.nanoTime() - wall0;
                        reapCpu += threads.getCurrentThreadCpuTime() - cpu0;
                        reaps++;
                    }
                }
                assertThat(service.failedFlushes()).isZero();
                // the first 10 s warm the JIT up
                long[] cpu = Arrays.copyOfRange(flushCpu, 10, seconds);
                long[] wall = Arrays.copyOfRange(flushWall, 10, seconds);
                Arrays.sort(cpu);
                Arrays.sort(wall);
                System.out.printf(Locale.ROOT, "PERIODIC %s %d AORs, %d refreshes/s: flush CPU p50 %.2f ms, p90 %.2f,"
                        + " max %.2f, mean %.2f; wall p50 %.2f ms, max %.2f; reaper run (nothing expired) CPU %.2f ms,"
                        + " wall %.2f ms (mean of %d); load %.2f%n", database, aors, rate, cpu[cpu.length / 2] / 1e6,
                        cpu[cpu.length * 9 / 10] / 1e6, cpu[cpu.length - 1] / 1e6, Arrays.stream(cpu).average()
                        .orElse(0) / 1e6, wall[wall.length / 2] / 1e6, wall[wall.length - 1] / 1e6,
                        reapCpu / 1e6 / reaps, reapWall / 1e6 / reaps, reaps,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
        }
    }

    private static BindingChange change(int i, long cseq, MutableClock clock) {
        String user = String.format(Locale.ROOT, "probe%05d", i);
        String aor = "sip:" + user + "@bench.invalid";
        ContactBinding binding = new ContactBinding(aor, "sip:" + user + "@127.0.0.2:40000;transport=tcp",
                clock.instant().plusSeconds(3600), -1, "call-" + i + "@127.0.0.2", cseq, List.of(), null, null,
                FlowToken.of("tcp:127.0.0.2:" + (40000 + i) + ">127.0.0.1:5060"), null, "loadgen");
        return new BindingChange(aor, List.of(binding), List.of(), false);
    }
}
