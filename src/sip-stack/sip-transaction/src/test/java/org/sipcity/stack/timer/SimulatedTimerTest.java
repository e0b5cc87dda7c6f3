package org.sipcity.stack.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedTimerTest {

    private final SimulatedTimer timer = new SimulatedTimer();
    private final List<String> log = new ArrayList<>();

    @Test
    void runsDueTasksInOrderOfDueTimeThenOfScheduling() {
        timer.schedule(() -> log.add("b@200"), 200, TimeUnit.MILLISECONDS);
        timer.schedule(() -> log.add("a@100"), 100, TimeUnit.MILLISECONDS);
        timer.schedule(() -> log.add("c@200"), 200, TimeUnit.MILLISECONDS);
        timer.schedule(() -> log.add("d@300"), 300, TimeUnit.MILLISECONDS);

        assertThat(timer.advanceMillis(200)).isEqualTo(3);

        assertThat(log).containsExactly("a@100", "b@200", "c@200");
        assertThat(timer.now()).isEqualTo(200);
        assertThat(timer.pendingTasks()).isEqualTo(1);
    }

    @Test
    void nowIsTheDueTimeWhileATaskRuns() {
        List<Long> seen = new ArrayList<>();
        timer.schedule(() -> seen.add(timer.now()), 150, TimeUnit.MILLISECONDS);
        timer.schedule(() -> seen.add(timer.now()), 400, TimeUnit.MILLISECONDS);

        timer.advance(1, TimeUnit.SECONDS);

        assertThat(seen).containsExactly(150L, 400L);
        assertThat(timer.now()).isEqualTo(1000);
    }

    @Test
    void tasksScheduledByATaskRunWithinTheSameStep() {
        // A retransmission timer re-arming itself, as Timer A does.
        Runnable[] doubling = new Runnable[1];
        long[] interval = {500};
        doubling[0] = () -> {
            log.add("fire@" + timer.now());
            interval[0] *= 2;
            timer.schedule(doubling[0], interval[0], TimeUnit.MILLISECONDS);
        };
        timer.schedule(doubling[0], interval[0], TimeUnit.MILLISECONDS);

        timer.advanceMillis(4000);

        assertThat(log).containsExactly("fire@500", "fire@1500", "fire@3500");
        assertThat(timer.nextDueTime()).isEqualTo(7500);
    }

    @Test
    void cancelledTaskNeverRuns() {
        TimerHandle handle = timer.schedule(() -> log.add("x"), 10, TimeUnit.MILLISECONDS);

        assertThat(handle.cancel()).isTrue();
        assertThat(handle.cancel()).isFalse();
        timer.advanceMillis(100);

        assertThat(log).isEmpty();
        assertThat(handle.isCancelled()).isTrue();
        assertThat(handle.isExpired()).isFalse();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void expiredTaskCannotBeCancelled() {
        TimerHandle handle = timer.schedule(() -> log.add("x"), 10, TimeUnit.MILLISECONDS);
        timer.advanceMillis(10);

        assertThat(handle.isExpired()).isTrue();
        assertThat(handle.cancel()).isFalse();
        assertThat(log).containsExactly("x");
    }

    @Test
    void zeroDelayRunsOnRunDueWithoutMovingTheClock() {
        timer.advanceMillis(42);
        timer.schedule(() -> log.add("now"), 0, TimeUnit.MILLISECONDS);

        assertThat(timer.runDue()).isEqualTo(1);
        assertThat(timer.now()).isEqualTo(42);
    }

    @Test
    void refusesToGoBackInTime() {
        assertThatThrownBy(() -> timer.advanceMillis(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
