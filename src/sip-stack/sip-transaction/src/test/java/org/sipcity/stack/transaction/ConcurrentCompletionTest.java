package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SimulatedTimer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Completed transactions over UDP entered from many threads at once, as the container's workers send their final
 * responses, while Timer J and the budget take entries off: none is lost from the queue, none is counted twice, and
 * every one absorbs its retransmissions until it expires.
 */
class ConcurrentCompletionTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 5_000;
    private static final int RETAINED = 400;

    /** An unreliable channel that counts what it sends; safe from any thread. */
    private static final class CountingChannel implements TransactionChannel {
        final AtomicInteger sent = new AtomicInteger();

        @Override
        public boolean isReliable() {
            return false;
        }

        @Override
        public void send(SipMessage message, SendFailureListener onFailure) {
            sent.incrementAndGet();
        }

        @Override
        public RetainedResponse sendRetained(SipResponse response, SendFailureListener onFailure) {
            sent.incrementAndGet();
            return new RetainedResponse() {
                @Override
                public void resend() {
                    sent.incrementAndGet();
                }

                @Override
                public int retainedBytes() {
                    return RETAINED;
                }
            };
        }
    }

    /** Answers every request 200 on the thread that delivered it (the transport's, as a worker would). */
    private static final class AnsweringUser implements RequestOnlyUser {
        final AtomicInteger requests = new AtomicInteger();

        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            requests.incrementAndGet();
            transaction.sendResponse(Messages.response(request, 200));
        }
    }

    private static SipRequest register(int thread, int n) {
        return Messages.request(SipMethod.REGISTER, "z9hG4bKc" + thread + "x" + n);
    }

    @Test
    void entriesAddedFromManyThreadsWhileTimerJRunsAreEachHeldAbsorbingAndReleasedOnce() throws Exception {
        SimulatedTimer timer = new SimulatedTimer();
        AnsweringUser user = new AnsweringUser();
        CountingChannel udp = new CountingChannel();
        TransactionLayer layer = new TransactionLayer(TransactionConfig.defaults(), timer, user);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            // First wave: entries that Timer J will release while the second wave is being added.
            runOnThreads(pool, thread -> {
                for (int n = 0; n < PER_THREAD; n++) {
                    assertThat(layer.requestReceived(register(thread, n), udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
                }
            });
            assertThat(layer.completedTransactions()).isEqualTo((long) THREADS * PER_THREAD);
            timer.advanceMillis(31_000);

            CountDownLatch adding = new CountDownLatch(1);
            Future<?> clock = pool.submit(() -> {
                adding.await();
                // Timer J of the first wave falls due in steps while the second wave is added.
                for (int ms = 0; ms < 1_000; ms += 10) {
                    timer.advanceMillis(10);
                    Thread.yield();
                }
                return null;
            });
            runOnThreads(pool, thread -> {
                adding.countDown();
                for (int n = PER_THREAD; n < 2 * PER_THREAD; n++) {
                    assertThat(layer.requestReceived(register(thread, n), udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
                }
            });
            clock.get(30, TimeUnit.SECONDS);
            timer.advanceMillis(32_000 - timer.now() + 500);

            assertThat(layer.completedTransactions()).as("the first wave has expired, the second is held whole")
                    .isEqualTo((long) THREADS * PER_THREAD);
            runOnThreads(pool, thread -> {
                for (int n = PER_THREAD; n < 2 * PER_THREAD; n++) {
                    assertThat(layer.requestReceived(register(thread, n), udp)).isEqualTo(RequestDisposition.ABSORBED);
                }
            });
            assertThat(user.requests.get()).isEqualTo(2 * THREADS * PER_THREAD);

            timer.advanceMillis(32_000);
            assertThat(layer.completedTransactions()).isZero();
            assertThat(layer.completedTransactionBytes()).as("every charge given back exactly once").isZero();
            assertThat(timer.pendingTasks()).as("nothing left armed").isZero();
            assertThat(layer.requestReceived(register(0, 0), udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
            assertThat(timer.pendingTasks()).as("the next entry arms Timer J again").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A budget full of entries older than T4 admits every new request, however many threads complete theirs at once.
     * Admission releases old entries under the budget while the workers keep adding (without waiting for its lock);
     * it used to look at the total once more afterwards and answer 503 when adds had taken it over again, although
     * the oldest entries left had absorbed for T4 and could go: 1-2 refusals in 225,000 REGISTERs at 22,500/s over UDP
     * in WildFly with 12 s of entries held.
     */
    @Test
    void aBudgetFullOfEntriesOlderThanT4NeverRefusesWhileManyThreadsAdd() throws Exception {
        SimulatedTimer timer = new SimulatedTimer();
        AnsweringUser user = new AnsweringUser();
        CountingChannel udp = new CountingChannel();
        // Every entry of this test is charged RETAINED plus its key and slot, about 630 B: this holds one wave and
        // half of the next, so each wave after the first must release most of the one before (older than T4).
        long budget = (long) THREADS * PER_THREAD * 1_000;
        TransactionLayer layer = new TransactionLayer(
                TransactionConfig.builder().completedMemoryBytes(budget).build(), timer, user);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            int rounds = 8;
            AtomicInteger refused = new AtomicInteger();
            for (int round = 0; round < rounds; round++) {
                int from = round * PER_THREAD;
                runOnThreads(pool, thread -> {
                    for (int n = from; n < from + PER_THREAD; n++) {
                        if (layer.requestReceived(register(thread, n), udp) == RequestDisposition.REFUSED_OVERLOAD) {
                            refused.incrementAndGet();
                        }
                    }
                });
                // Each wave is older than T4 when the next one comes: there is always an old entry to release.
                timer.advanceMillis(5_000);
            }
            assertThat(layer.completedReleasedEarly()).as("the budget was full: old entries were released early")
                    .isPositive();
            assertThat(refused.get()).as("503s while the oldest entries held had absorbed for T4").isZero();
            assertThat(layer.counters().refused()).isZero();
            assertThat(layer.completedTransactionBytes()).as("over the budget by at most one entry per thread")
                    .isLessThanOrEqualTo(budget + THREADS * 1_000L);
        } finally {
            pool.shutdownNow();
        }
    }

    private interface PerThread {
        void run(int thread) throws Exception;
    }

    private static void runOnThreads(ExecutorService pool, PerThread work) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                work.run(thread);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
    }
}
