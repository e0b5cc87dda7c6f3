package org.sipcity.sip.container.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch choice of {@link SerialQueue#submitFromEventLoop}: an inline application's idle queue runs the task on
 * the calling thread (the event loop); a worker application's goes to a worker; and the tasks of one session never
 * run at once or out of order, whichever thread each would run on (JSR 289 §6.4.1). Plain threads stand for the event
 * loops: the queue cannot tell them apart.
 */
class InlineDispatchTest {

    private final InlineRunner inline = new InlineRunner(1000);
    private final WorkerPool pool = new WorkerPool(4, 1000, "test-worker", inline);

    @AfterEach
    void stop() {
        pool.shutdown(5);
    }

    @Test
    void anIdleInlineQueueRunsTheTaskOnTheCallingThreadBeforeReturning() {
        SerialQueue queue = new SerialQueue(pool, inline, "app");
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        assertThat(queue.submitFromEventLoop(() -> ranOn.set(Thread.currentThread()), true)).isTrue();

        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        assertThat(pool.eventLoopTasks()).isEqualTo(1);
        assertThat(pool.completedTasks()).as("served, for the valve's rate").isEqualTo(1);
        assertThat(pool.queuedTasks()).isZero();
    }

    @Test
    void aWorkerApplicationsTaskGoesToAWorkerEvenFromAnEventLoop() throws Exception {
        SerialQueue queue = new SerialQueue(pool);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);

        assertThat(queue.submitFromEventLoop(() -> {
            ranOn.set(Thread.currentThread());
            done.countDown();
        }, true)).isTrue();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(ranOn.get().getName()).startsWith("test-worker");
        assertThat(pool.eventLoopTasks()).isZero();
    }

    @Test
    void anInlineTaskWaitsBehindTheSessionsTaskOnAWorkerAndThenRunsThere() throws Exception {
        SerialQueue queue = new SerialQueue(pool, inline, "app");
        CountDownLatch timerRunning = new CountDownLatch(1);
        CountDownLatch releaseTimer = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(2);
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicReference<Thread> secondOn = new AtomicReference<>();

        queue.submit(() -> {   // a servlet timer: always on a worker
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            timerRunning.countDown();
            await(releaseTimer);
            order.add("timer");
            running.decrementAndGet();
            done.countDown();
        }, false);
        assertThat(timerRunning.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(queue.submitFromEventLoop(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            secondOn.set(Thread.currentThread());
            order.add("request");
            running.decrementAndGet();
            done.countDown();
        }, false)).isTrue();
        assertThat(order).as("not run on the loop while the session's task runs").isEmpty();

        releaseTimer.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("timer", "request");
        assertThat(most.get()).isEqualTo(1);
        assertThat(secondOn.get().getName()).startsWith("test-worker");
    }

    @Test
    void aTaskFromAnotherLoopWaitsBehindTheInlineTaskRunningAndRunsOnAWorkerAfterIt() throws Exception {
        SerialQueue queue = new SerialQueue(pool, inline, "app");
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicReference<Thread> secondOn = new AtomicReference<>();

        Thread loopA = new Thread(() -> queue.submitFromEventLoop(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            firstRunning.countDown();
            await(releaseFirst);
            order.add("first");
            running.decrementAndGet();
        }, false), "loop-a");
        loopA.start();
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();

        // loop B: returns at once, the task queued behind the one loop A runs
        assertThat(queue.submitFromEventLoop(() -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            secondOn.set(Thread.currentThread());
            order.add("second");
            running.decrementAndGet();
            secondDone.countDown();
        }, false)).isTrue();
        assertThat(order).isEmpty();
        assertThat(pool.queuedTasks()).isEqualTo(1);

        releaseFirst.countDown();
        assertThat(secondDone.await(10, TimeUnit.SECONDS)).isTrue();
        loopA.join(10_000);
        assertThat(order).containsExactly("first", "second");
        assertThat(most.get()).isEqualTo(1);
        assertThat(secondOn.get().getName()).as("loop A is not kept for more work").startsWith("test-worker");
        for (int i = 0; i < 100 && pool.completedTasks() < 2; i++) {
            Thread.sleep(10);   // the worker counts its task once the task returned
        }
        assertThat(pool.completedTasks()).isEqualTo(2);
        assertThat(pool.eventLoopTasks()).isEqualTo(1);
    }

    @Test
    void onceTheQueueIsIdleAgainTheNextTaskRunsInlineAgain() throws Exception {
        SerialQueue queue = new SerialQueue(pool, inline, "app");
        CountDownLatch done = new CountDownLatch(1);
        queue.submit(done::countDown, false);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100 && queue.pending() + pool.activeWorkers() > 0; i++) {
            Thread.sleep(10);   // the worker's runner marks the queue idle right after the task
        }
        Thread.sleep(20);

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        queue.submitFromEventLoop(() -> ranOn.set(Thread.currentThread()), false);
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
