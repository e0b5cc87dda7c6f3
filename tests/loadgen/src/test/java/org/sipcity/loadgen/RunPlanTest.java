package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunPlanTest {

    private static final Path CSV = Path.of("unused.csv");

    @Test
    void stepsOfEqualSizeEndAtTheConnectionsEvenWhenTheyDoNotDivideThem() {
        RunPlan plan = new RunPlan(2500, 1000, ProbeMethod.REGISTER, 0, 10, 100, Duration.ofSeconds(5), Duration.ZERO, CSV);

        assertThat(plan.targets()).containsExactly(1000, 2000, 2500);
        assertThat(plan.connections()).isEqualTo(2500);
        assertThat(plan.settle()).isZero();
    }

    @Test
    void listedStepsAreKeptAndTheLastIsTheConnections() {
        RunPlan plan = new RunPlan(List.of(1000, 19000), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ofSeconds(20),
                Duration.ofSeconds(300), Duration.ZERO, CSV);

        assertThat(plan.steps()).isEqualTo(2);
        assertThat(plan.connections()).isEqualTo(19000);
        assertThat(plan.warmupRate()).isEqualTo(500);
    }

    @Test
    void stepsMayShrinkAndTheConnectionsAreTheLargest() {
        RunPlan plan = new RunPlan(List.of(1000, 19000, 1000, 19000), ProbeMethod.REGISTER, 0, 500, 10, 100,
                Duration.ofSeconds(20), Duration.ofSeconds(600), Duration.ZERO, CSV);

        assertThat(plan.steps()).isEqualTo(4);
        assertThat(plan.connections()).isEqualTo(19000);
        assertThat(new RunPlan(List.of(300, 100), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ZERO, CSV).connections()).isEqualTo(300);
    }

    @Test
    void stepsThatDoNotMoveANegativeSettleOrNoWarmupRateAreRefused() {
        assertThatThrownBy(() -> new RunPlan(List.of(1000, 1000), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ZERO, CSV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunPlan(List.of(0), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ZERO, CSV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunPlan(List.of(), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ZERO, CSV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunPlan(List.of(10), ProbeMethod.REGISTER, 0, 500, 10, 100, Duration.ofSeconds(-1),
                Duration.ofSeconds(5), Duration.ZERO, CSV)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunPlan(List.of(10), ProbeMethod.REGISTER, 100, 0, 10, 100, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ZERO, CSV)).isInstanceOf(IllegalArgumentException.class);
    }
}
