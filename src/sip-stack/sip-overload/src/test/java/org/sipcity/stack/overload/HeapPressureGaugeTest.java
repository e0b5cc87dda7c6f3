package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The heap signal on a fake clock and a played heap (no real collections): the after-GC figure is trusted while
 * collections go on and ages out once they stop, so an idle server is not held in overload by the figure of its
 * peak (the valve once stayed overloaded for 4 minutes without traffic until a collection happened to run).
 */
class HeapPressureGaugeTest {

    private static final long MS = 1_000_000L;
    private static final long EVALUATION = 50 * MS;
    private static final long MAX_AGE = 5_000 * MS;

    private final PlayedHeap heap = new PlayedHeap();
    private long now;
    private final HeapPressureGauge gauge = new HeapPressureGauge(heap, () -> now, MAX_AGE);

    @Test
    void readsWhatSurvivedAsAShareOfCapacity() {
        heap.collect(950);

        assertThat(gauge.occupancyAfterGc()).isEqualTo(0.95);
    }

    @Test
    void aFigureWithoutAFurtherCollectionCountsUntilItsMaximumAge() {
        heap.collect(950);
        gauge.occupancyAfterGc();

        now += MAX_AGE;
        assertThat(gauge.occupancyAfterGc()).isEqualTo(0.95);

        now += 1;
        assertThat(gauge.occupancyAfterGc()).isZero();
    }

    @Test
    void aNewCollectionMakesTheFigureCountAgain() {
        heap.collect(950);
        gauge.occupancyAfterGc();
        now += 2 * MAX_AGE;
        assertThat(gauge.occupancyAfterGc()).isZero();

        heap.collect(920);

        assertThat(gauge.occupancyAfterGc()).isEqualTo(0.92);
    }

    @Test
    void collectionsThatKeepComingKeepAHighFigureInForce() {
        heap.collect(950);
        for (int second = 0; second < 30; second++) {
            now += 1_000 * MS;
            heap.collect(950);
            assertThat(gauge.occupancyAfterGc()).isEqualTo(0.95);
        }
    }

    /** The reported bug: overloaded on heap, then no traffic and so no collection: back to normal within 10 s. */
    @Test
    void anIdleServerLeavesHeapOverloadWithoutAFurtherCollection() {
        OverloadController controller = new OverloadController(OverloadSettings.defaults(), new OverloadFigures());
        LoadSignals signals = heapOnly();
        for (int i = 0; i < 20; i++) { // 1 s of load, a collection every 200 ms leaving 95% live
            if (i % 4 == 0) {
                heap.collect(950);
            }
            controller.evaluate(signals, now += EVALUATION);
        }
        assertThat(controller.state()).isEqualTo(OverloadState.OVERLOADED);

        long loadDropped = now;
        while (controller.state() == OverloadState.OVERLOADED && now - loadDropped < 60_000 * MS) {
            controller.evaluate(signals, now += EVALUATION);
        }

        assertThat(controller.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(now - loadDropped).isLessThanOrEqualTo(10_000 * MS);
    }

    /** While collections go on, a heap that stays full keeps the valve overloaded, as before. */
    @Test
    void aHeapStillFullAfterEveryCollectionKeepsTheValveOverloaded() {
        OverloadController controller = new OverloadController(
                OverloadSettings.builder().admission(Admission.LOSS).build(), new OverloadFigures());
        LoadSignals signals = heapOnly();
        for (int i = 0; i < 600; i++) { // 30 s, a collection every second
            if (i % 20 == 0) {
                heap.collect(950);
            }
            controller.evaluate(signals, now += EVALUATION);
            if (i > 0) {
                assertThat(controller.state()).isEqualTo(OverloadState.OVERLOADED);
            }
        }
        assertThat(controller.newWorkLoss()).isEqualTo(1.0);
    }

    /** No other signal but the gauge's, read at every evaluation as the valve reads it. */
    private LoadSignals heapOnly() {
        return new FakeSignals() {
            @Override
            public double heapOccupancyAfterGc() {
                return gauge.occupancyAfterGc();
            }
        };
    }

    /** A 1,000-byte heap whose collections the test runs. */
    private static final class PlayedHeap implements HeapReadings {
        long survived;
        long collections;

        void collect(long survivedBytes) {
            survived = survivedBytes;
            collections++;
        }

        @Override
        public long survivedBytes() {
            return survived;
        }

        @Override
        public long capacityBytes() {
            return 1_000;
        }

        @Override
        public long collections() {
            return collections;
        }
    }
}
