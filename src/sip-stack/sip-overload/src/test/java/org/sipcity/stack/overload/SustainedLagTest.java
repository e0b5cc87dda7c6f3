package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Lag smoothing over consecutive probes, and what it means for the valve's state: one event loop simulated on a
 * fake clock (no threads, no sleeps), the controller evaluated every 50 ms as in the server.
 */
class SustainedLagTest {

    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 100 * MS;
    private static final long EVALUATION = 50 * MS;

    @Test
    void oneLateProbeAmongOnTimeOnesIsNoLag() {
        SustainedLag lag = new SustainedLag(3, INTERVAL);
        lag.record(0);
        lag.record(250 * MS);
        lag.record(1 * MS);

        assertThat(lag.lagNanos(-INTERVAL)).isEqualTo(0);
    }

    @Test
    void consecutiveLateProbesGiveTheirSmallestLateness() {
        SustainedLag lag = new SustainedLag(3, INTERVAL);
        lag.record(180 * MS);
        lag.record(150 * MS);
        lag.record(170 * MS);

        assertThat(lag.lagNanos(-INTERVAL)).isEqualTo(150 * MS);
    }

    @Test
    void aPendingProbeCountsAsTheProbesItHoldsUp() {
        SustainedLag lag = new SustainedLag(3, INTERVAL);
        lag.record(0);
        lag.record(0);

        // Overdue by 150 ms: it and the one due 100 ms after it are missed; the third is the last completed one.
        assertThat(lag.lagNanos(150 * MS)).isEqualTo(0);
        // Stuck for 700 ms: the three probes due since are late by 700, 600, 500 ms at least.
        assertThat(lag.lagNanos(700 * MS)).isEqualTo(500 * MS);
    }

    @Test
    void oneProbeIsTheUnsmoothedSignal() {
        SustainedLag lag = new SustainedLag(1, INTERVAL);
        lag.record(250 * MS);

        assertThat(lag.lagNanos(-INTERVAL)).isEqualTo(250 * MS);
        assertThat(lag.lagNanos(40 * MS)).isEqualTo(40 * MS);
    }

    @Test
    void refusesNoProbes() {
        assertThatThrownBy(() -> new SustainedLag(0, INTERVAL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OverloadSettings.builder().lagLateProbes(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneGcPauseDoesNotStartOverload() {
        SimulatedLoop loop = new SimulatedLoop(OverloadSettings.defaults());
        loop.run(Duration.ofSeconds(1));
        long lagHigh = OverloadSettings.defaults().lagHigh().toNanos();
        loop.pause(Duration.ofMillis(450)); // longer than lagHigh (150 ms), shorter than 150 + 4 x 100 ms

        loop.run(Duration.ofSeconds(2));

        assertThat(loop.becameOverloaded).isFalse();
        assertThat(loop.latestProbe).as("one probe ran later than lagHigh").isGreaterThanOrEqualTo(lagHigh);
        assertThat(loop.largestLagSeen).isLessThan(lagHigh);
    }

    @Test
    void withoutSmoothingTheSamePauseWouldStartOverload() {
        SimulatedLoop loop = new SimulatedLoop(OverloadSettings.builder().lagLateProbes(1).build());
        loop.run(Duration.ofSeconds(1));
        loop.pause(Duration.ofMillis(450));

        loop.run(Duration.ofSeconds(2));

        assertThat(loop.becameOverloaded).isTrue();
    }

    @Test
    void aLoopThatStaysBehindStartsOverload() {
        SimulatedLoop loop = new SimulatedLoop(OverloadSettings.defaults());
        loop.run(Duration.ofSeconds(1));
        loop.lateBy = 150 * MS; // every probe runs 150 ms late (one each 250 ms): a loop busy framing and reading

        loop.run(Duration.ofSeconds(2)); // five late probes in a row

        assertThat(loop.becameOverloaded).isTrue();
        assertThat(loop.controller.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    @Test
    void aStuckLoopStartsOverloadWhileStillStuck() {
        SimulatedLoop loop = new SimulatedLoop(OverloadSettings.defaults());
        loop.run(Duration.ofSeconds(1));
        loop.pause(Duration.ofSeconds(10));

        loop.run(Duration.ofMillis(1000));

        assertThat(loop.becameOverloaded).as("a stuck loop shows before it runs again").isTrue();
    }

    @Test
    void overloadEndsAfterTheLoopCatchesUpAndTheHoldTime() {
        SimulatedLoop loop = new SimulatedLoop(OverloadSettings.defaults());
        loop.lateBy = 150 * MS;
        loop.run(Duration.ofSeconds(2));
        assertThat(loop.controller.state()).isEqualTo(OverloadState.OVERLOADED);

        loop.lateBy = 0;
        loop.run(Duration.ofMillis(1500));
        assertThat(loop.controller.state()).as("within the 2 s hold time").isEqualTo(OverloadState.OVERLOADED);
        loop.run(Duration.ofSeconds(2));
        assertThat(loop.controller.state()).isEqualTo(OverloadState.NORMAL);
    }

    /**
     * One event loop and the valve's controller on a simulated clock. The probe is rescheduled one interval after it
     * ran, as {@link EventLoopLagProbe} does; it runs at its due time plus {@link #lateBy}, or when a pause ends.
     */
    private static final class SimulatedLoop implements LoadSignals {
        final OverloadController controller;
        final SustainedLag lag;
        long now;
        long dueAt = INTERVAL;
        long busyUntil;
        long lateBy;
        long nextEvaluation = EVALUATION;
        boolean becameOverloaded;
        long largestLagSeen;
        long latestProbe;

        SimulatedLoop(OverloadSettings settings) {
            controller = new OverloadController(settings, new OverloadFigures());
            lag = new SustainedLag(settings.lagLateProbes(), INTERVAL);
        }

        void pause(Duration pause) {
            busyUntil = now + pause.toNanos();
        }

        /** Advances the clock, running probes and evaluations in time order. */
        void run(Duration duration) {
            long end = now + duration.toNanos();
            while (true) {
                long probeAt = Math.max(dueAt + lateBy, busyUntil);
                long next = Math.min(probeAt, nextEvaluation);
                if (next > end) {
                    break;
                }
                now = next;
                if (next == probeAt) {
                    latestProbe = Math.max(latestProbe, now - dueAt);
                    lag.record(now - dueAt);
                    dueAt = now + INTERVAL;
                } else {
                    largestLagSeen = Math.max(largestLagSeen, eventLoopLagNanos());
                    controller.evaluate(this, now);
                    becameOverloaded |= controller.state() == OverloadState.OVERLOADED;
                    nextEvaluation += EVALUATION;
                }
            }
            now = end;
        }

        @Override
        public long oldestWaitNanos() {
            return 0;
        }

        @Override
        public int queueDepth() {
            return 0;
        }

        @Override
        public long eventLoopLagNanos() {
            return lag.lagNanos(now - dueAt);
        }

        @Override
        public double heapOccupancyAfterGc() {
            return 0.1;
        }
    }
}
