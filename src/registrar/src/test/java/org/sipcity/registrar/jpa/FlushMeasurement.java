package org.sipcity.registrar.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

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
 * Measures what one write-back flush costs per refreshed AOR (figures in tests/bench/README.md): CPU time and heap
 * allocated on the flushing thread, the whole process's CPU time (H2 writes its store on a thread of its own), and
 * the wall time. Every AOR has one binding as the REGISTER benchmark's (SIPp over persistent TCP: same contact and
 * source, a new Call-ID and CSeq each time) and every one is refreshed before each flush, as under SIPp's load where
 * nearly every REGISTER makes its AOR dirty. Not a test of speed: it asserts only that the database holds the last
 * refresh once the service is closed. Run with {@code -Dtest=FlushMeasurement -Dsipcity.flush.aors=20000
 * [-Dsipcity.flush.rounds=10] [-Dsipcity.flush.lag-percent=25]}: the lag is the registrar's
 * {@code stored-expiry-lag-percent} (0 here unless given: every refresh written), on a clock that moves 10 s per
 * round, so that every flush also looks at every deferred row (the flusher does that every 10 s); each refresh asks
 * for an hour, as the REGISTER benchmark's users do.
 */
@EnabledIfSystemProperty(named = "sipcity.flush.aors", matches = "\\d+")
class FlushMeasurement {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void refresh_every_aor_then_flush(TestDatabase database) {
        int aors = Integer.getInteger("sipcity.flush.aors");
        int rounds = Integer.getInteger("sipcity.flush.rounds", 10);
        int warmUp = Integer.getInteger("sipcity.flush.warm-up", 5);
        String name = "flush-measurement";
        String unreachable = database.unreachableReason(name);
        assumeTrue(unreachable == null, unreachable);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long self = Thread.currentThread().getId();
        try (EntityManagerFactory factory = database.open(name)) {
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
            int lag = Integer.getInteger("sipcity.flush.lag-percent", 0);
            MutableClock clock = new MutableClock(NOW);
            JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofHours(1), Integer.MAX_VALUE,
                    new RefreshDeferral(lag, Duration.ofSeconds(1), clock));
            try (service) {
                refreshAll(service, aors, 1, clock);
                long insertCpu0 = threads.getCurrentThreadCpuTime();
                long insertProcess0 = os.getProcessCpuTime();
                long insertWall0 = System.nanoTime();
                service.flush(); // every AOR new: the restart storm's inserts
                System.out.printf(Locale.ROOT, "FLUSH %s first flush: %d new AORs inserted: per AOR %.1f us CPU on the"
                        + " flushing thread, %.1f us CPU of the process, %.1f us wall%n", database, aors,
                        (threads.getCurrentThreadCpuTime() - insertCpu0) / 1e3 / aors,
                        (os.getProcessCpuTime() - insertProcess0) / 1e3 / aors, (System.nanoTime() - insertWall0) / 1e3 / aors);
                long cpu = 0;
                long allocated = 0;
                long processCpu = 0;
                long wall = 0;
                for (int round = 2; round < 2 + warmUp + rounds; round++) {
                    clock.advance(Duration.ofSeconds(10));
                    refreshAll(service, aors, round, clock);
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    long allocated0 = threads.getThreadAllocatedBytes(self);
                    long process0 = os.getProcessCpuTime();
                    long wall0 = System.nanoTime();
                    service.flush();
                    if (round >= 2 + warmUp) {
                        wall += System.nanoTime() - wall0;
                        processCpu += os.getProcessCpuTime() - process0;
                        allocated += threads.getThreadAllocatedBytes(self) - allocated0;
                        cpu += threads.getCurrentThreadCpuTime() - cpu0;
                    }
                }
                assertThat(service.failedFlushes()).isZero();
                assertThat(service.count()).isEqualTo(aors);
                long refreshes = (long) aors * rounds;
                System.out.printf(Locale.ROOT, "FLUSH %s, lag %d%%: %d AORs refreshed, %d flushes: per refreshed AOR %.1f us CPU"
                        + " on the flushing thread, %.1f us CPU of the process, %.0f B allocated, %.1f us wall"
                        + " (load %.2f)%n", database, lag, aors, rounds, cpu / 1e3 / refreshes,
                        processCpu / 1e3 / refreshes, (double) allocated / refreshes, wall / 1e3 / refreshes,
                        os.getSystemLoadAverage());
            }
            long lastRound = 1 + warmUp + rounds;
            Long oldest = Transactions.read(factory, em -> em.createQuery("select min(b.cseq) from Binding b",
                    Long.class).getSingleResult());
            assertThat(oldest).as("every refresh written by the close").isEqualTo(lastRound);
        }
    }

    /** Refreshes every AOR once: same contact and source, a new Call-ID and CSeq, an hour from the clock's time. */
    private static void refreshAll(JpaLocationService service, int aors, int round, MutableClock clock) {
        for (int i = 0; i < aors; i++) {
            String user = String.format(Locale.ROOT, "bench%05d", i);
            String aor = "sip:" + user + "@bench.invalid";
            ContactBinding binding = new ContactBinding(aor, "sip:" + user + "@127.0.0.1:5061;transport=tcp",
                    clock.instant().plusSeconds(3600), -1, round + "-" + i + "@127.0.0.1", round, List.of(), null, null,
                    null, FlowToken.of("tcp:127.0.0.1:" + (40000 + i % 2) + ">127.0.0.1:5060"), "SIPp/Linux");
            service.apply(new BindingChange(aor, List.of(binding), List.of(), false));
        }
    }
}
