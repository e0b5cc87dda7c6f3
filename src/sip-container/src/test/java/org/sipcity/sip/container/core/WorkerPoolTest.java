package org.sipcity.sip.container.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    private WorkerPool pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdown(5);
        }
    }

    @Test
    void tasksOfOneQueueRunOneAtATimeInOrder() throws Exception {
        pool = new WorkerPool(4, 1000, "test-worker");
        SerialQueue queue = new SerialQueue(pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(50);
        for (int i = 0; i < 50; i++) {
            int n = i;
            assertThat(queue.submit(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                order.add(n);
                Thread.yield();
                running.decrementAndGet();
                done.countDown();
            }, false)).isTrue();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isEqualTo(1);
        assertThat(order).isSorted().hasSize(50);
    }

    @Test
    void differentQueuesRunSideBySide() throws Exception {
        pool = new WorkerPool(2, 1000, "test-worker");
        // Both tasks must be inside the barrier at once: impossible if the two queues were serialized together.
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        CountDownLatch done = new CountDownLatch(2);
        AtomicInteger met = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            new SerialQueue(pool).submit(() -> {
                try {
                    bothRunning.await(10, TimeUnit.SECONDS);
                    met.incrementAndGet();
                } catch (Exception e) {
                    // the assertion below reports it
                } finally {
                    done.countDown();
                }
            }, true);
        }
        assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
        assertThat(met.get()).isEqualTo(2);
    }

    @Test
    void fullQueueRefusesInitialRequestsFirstAndMeasuresTheOldestWait() throws Exception {
        pool = new WorkerPool(1, 2, "test-worker");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(new SerialQueue(pool).submit(() -> {
            started.countDown();
            await(release);
        }, true)).isTrue();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.queuedTasks()).isZero();
        assertThat(pool.oldestTaskWaitMillis()).isZero();

        // the single worker is busy: these wait
        assertThat(new SerialQueue(pool).submit(() -> { }, true)).isTrue();
        assertThat(new SerialQueue(pool).submit(() -> { }, true)).isTrue();
        assertThat(pool.queuedTasks()).isEqualTo(2);
        Thread.sleep(30);
        assertThat(pool.oldestTaskWaitMillis()).isGreaterThanOrEqualTo(30);
        // what the overload valve reads through WorkerQueueLoad: the same queue, in nanoseconds
        assertThat(pool.depth()).isEqualTo(2);
        assertThat(pool.oldestWaitNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));

        // capacity reached: a new initial request is refused, other work has headroom up to twice the capacity
        assertThat(new SerialQueue(pool).submit(() -> { }, true)).isFalse();
        assertThat(new SerialQueue(pool).submit(() -> { }, false)).isTrue();
        assertThat(new SerialQueue(pool).submit(() -> { }, false)).isTrue();
        assertThat(new SerialQueue(pool).submit(() -> { }, false)).isFalse();
        assertThat(pool.rejectedInitialRequests()).isEqualTo(1);
        assertThat(pool.rejectedSubsequentMessages()).isEqualTo(1);

        release.countDown();
        for (int i = 0; i < 500 && pool.completedTasks() < 5; i++) {
            Thread.sleep(10);
        }
        assertThat(pool.completedTasks()).isEqualTo(5);
        assertThat(pool.queuedTasks()).isZero();
        assertThat(pool.oldestTaskWaitMillis()).isZero();
        assertThat(pool.oldestWaitNanos()).isZero();
    }

    @Test
    void aFailingTaskDoesNotStopItsQueue() throws Exception {
        pool = new WorkerPool(1, 10, "test-worker");
        SerialQueue queue = new SerialQueue(pool);
        CountDownLatch after = new CountDownLatch(1);
        queue.submit(() -> {
            throw new IllegalStateException("servlet bug");
        }, false);
        queue.submit(after::countDown, false);
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
