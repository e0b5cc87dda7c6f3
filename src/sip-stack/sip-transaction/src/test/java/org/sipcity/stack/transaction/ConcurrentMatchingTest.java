package org.sipcity.stack.transaction;

import org.junit.jupiter.api.RepeatedTest;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.timer.SimulatedTimer;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same request arriving on several event loops at once makes exactly one transaction; the
 * others are absorbed. Asserts outcomes only; every wait is bounded.
 */
class ConcurrentMatchingTest {

    private static final int THREADS = 4;

    @RepeatedTest(20)
    void simultaneousCopiesOfARequestMakeOneTransaction() throws Exception {
        ConcurrentLinkedQueue<SipMessage> sent = new ConcurrentLinkedQueue<>();
        TransactionChannel channel = new TransactionChannel() {
            @Override
            public boolean isReliable() {
                return false;
            }

            @Override
            public void send(SipMessage message, SendFailureListener onFailure) {
                sent.add(message);
            }
        };
        List<ServerTransaction> created = new CopyOnWriteArrayList<>();
        TransactionUser user = new CountingUser(created);
        TransactionLayer layer = new TransactionLayer(TransactionConfig.defaults(), new SimulatedTimer(), user);
        SipRequest register = Messages.request(SipMethod.REGISTER, "z9hG4bKrace");

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RequestDisposition>> results = new java.util.ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return layer.requestReceived(register, channel);
                }));
            }
            start.countDown();
            long fresh = 0;
            for (Future<RequestDisposition> result : results) {
                RequestDisposition disposition = result.get(10, TimeUnit.SECONDS);
                assertThat(disposition).isIn(RequestDisposition.NEW_TRANSACTION, RequestDisposition.ABSORBED);
                if (disposition == RequestDisposition.NEW_TRANSACTION) {
                    fresh++;
                }
            }
            assertThat(fresh).isEqualTo(1);
            assertThat(created).hasSize(1);
            assertThat(layer.liveTransactions()).isEqualTo(1);
            assertThat(layer.counters().active(TransactionKind.NON_INVITE_SERVER)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private record CountingUser(List<ServerTransaction> created) implements RequestOnlyUser {
        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            created.add(transaction);
        }
    }
}
