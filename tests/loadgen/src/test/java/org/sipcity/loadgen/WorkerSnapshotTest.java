package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class WorkerSnapshotTest {

    @Test
    void crossesTheProcessBoundaryIntactAndSums() {
        Histogram setup = WorkerSnapshot.histogram();
        setup.recordValue(150_000);
        Histogram register = WorkerSnapshot.histogram();
        register.recordValue(80_000);
        register.recordValue(2_000_000);
        WorkerSnapshot sent = new WorkerSnapshot(10, 11, 1, 9, 2, 0, 30, 29, 1, 9, 4, 1, 5, 0, 11, setup, register);

        WorkerSnapshot received = WorkerSnapshot.parse(sent.toLine());

        assertThat(received).usingRecursiveComparison().ignoringFields("setupLatency", "probeLatency").isEqualTo(sent);
        assertThat(received.probeLatency()).isEqualTo(register);
        assertThat(received.setupLatency()).isEqualTo(setup);
        WorkerSnapshot sum = received.plus(sent);
        assertThat(sum.connected()).isEqualTo(22);
        assertThat(sum.failures()).isEqualTo(8);
        assertThat(sum.probeLatency().getTotalCount()).isEqualTo(4);
    }

    @Test
    void refusesAForeignLine() {
        assertThatThrownBy(() -> WorkerSnapshot.parse("hello")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerSnapshot.parse(WorkerSnapshot.LINE_PREFIX + "openFlows=1"))
                .hasMessageContaining("lacks");
    }
}
