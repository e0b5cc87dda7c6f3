package org.sipcity.stack.transaction;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Completed non-INVITE server transactions over UDP kept as lean entries within a byte budget, on the simulated
 * clock (T1 = 500 ms: Timer J = 32 s; T4 = 5 s: the least an entry absorbs before the budget may release it).
 */
class CompletedTransactionsTest {

    /** What every entry of these tests is charged: the channel's figure plus its key and table slot. */
    private static final int RETAINED = 500;

    private static SipRequest register(int n) {
        return Messages.request(SipMethod.REGISTER, "z9hG4bKreg" + n);
    }

    private static Fixture answeringFixture(TransactionConfig config) {
        Fixture f = new Fixture(config);
        f.udp.retainedBytes = RETAINED;
        f.user.onRequest = (tx, request) -> tx.sendResponse(Messages.response(request, 200));
        return f;
    }

    /** A fixture whose TU declares replay-safe the requests whose branch {@code replaySafe} accepts, then answers 200. */
    private static Fixture replaySafeFixture(long budget, Predicate<String> replaySafe) {
        Fixture f = new Fixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        f.udp.retainedBytes = RETAINED;
        f.user.onRequest = (tx, request) -> {
            if (replaySafe.test(tx.branch())) {
                tx.markReplaySafe();
            }
            tx.sendResponse(Messages.response(request, 200));
        };
        return f;
    }

    /** The charge of one entry for {@link #register}'s key. */
    private static long entryBytes(int n) {
        return RETAINED + CompletedEntries.ENTRY_BYTES + KeyStrings.bytes("z9hG4bKreg" + n)
                + KeyStrings.bytes("pc33.atlanta.example.com");
    }

    @Test
    void theTransactionLeavesTheTableAndItsEntryAbsorbsUntilTimerJ() {
        Fixture f = answeringFixture(TransactionConfig.defaults());
        SipRequest request = register(1);

        assertThat(f.layer.requestReceived(request, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        SipResponse ok = f.udp.lastResponse();

        assertThat(f.layer.liveTransactions()).as("no transaction object is live").isZero();
        assertThat(f.layer.counters().active(TransactionKind.NON_INVITE_SERVER)).isZero();
        assertThat(f.layer.completedTransactions()).isEqualTo(1);
        assertThat(f.layer.completedTransactionBytes()).isEqualTo(entryBytes(1));
        assertThat(f.udp.retainedCount).isEqualTo(1);

        f.advanceTo(500);
        assertThat(f.layer.requestReceived(register(1), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        f.advanceTo(31_999);
        assertThat(f.layer.requestReceived(register(1), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.udp.messages()).as("each retransmission gets the same final response again").containsExactly(ok, ok, ok);
        assertThat(f.user.ofType("request")).hasSize(1);
        assertThat(f.layer.counters().absorbed()).isEqualTo(2);
        assertThat(f.layer.counters().retransmissions()).isEqualTo(2);

        f.advanceTo(32_000);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.layer.completedTransactionBytes()).isZero();
        assertThat(f.timer.pendingTasks()).as("nothing left armed").isZero();
        assertThat(f.layer.requestReceived(register(1), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.user.ofType("request")).hasSize(2);
    }

    @Test
    void oneTimerServesEveryEntryAndTheyExpireInOrder() {
        Fixture f = answeringFixture(TransactionConfig.defaults());
        for (int n = 0; n < 100; n++) {
            f.advanceTo(n * 10L);
            f.layer.requestReceived(register(n), f.udp);
        }
        assertThat(f.timer.pendingTasks()).as("one Timer J task, not one per transaction").isEqualTo(1);
        assertThat(f.layer.completedTransactions()).isEqualTo(100);

        f.advanceTo(32_000 + 495);
        assertThat(f.layer.completedTransactions()).as("those completed at 0..490 ms are gone").isEqualTo(50);
        assertThat(f.layer.requestReceived(register(49), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.requestReceived(register(50), f.udp)).isEqualTo(RequestDisposition.ABSORBED);

        f.advanceTo(32_000 + 990);
        assertThat(f.layer.completedTransactions()).as("only register(49)'s new entry").isEqualTo(1);
        f.advanceTo(32_495 + 32_000);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.timer.pendingTasks()).isZero();
    }

    @Test
    void theMemoryBoundIsHonouredByReleasingEntriesOlderThanT4() {
        long budget = 10 * entryBytes(0);
        Fixture f = answeringFixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        // One REGISTER every 100 ms: ten entries fill the budget after 1 s, long before any is 5 s old.
        int n = 0;
        for (; n < 10; n++) {
            f.advanceTo(n * 100L);
            assertThat(f.layer.requestReceived(register(n), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        // Then one a second: the budget holds the last 10 s, more than T4 but less than Timer J, so each new one
        // releases the oldest early.
        for (; n < 100; n++) {
            f.advanceTo(n * 1_000L);
            assertThat(f.layer.requestReceived(register(n), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
            assertThat(f.layer.completedTransactionBytes()).as("within the budget by at most one entry")
                    .isLessThanOrEqualTo(budget + entryBytes(n));
        }
        assertThat(f.layer.completedReleasedEarly()).as("every entry from the 11th on released one").isEqualTo(90);
        assertThat(f.layer.completedTransactions()).isEqualTo(10);
        assertThat(f.layer.counters().refused()).isZero();
        // The youngest still absorbs; the oldest released is a new request again.
        assertThat(f.layer.requestReceived(register(99), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.requestReceived(register(0), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void newRequestsGet503WhenTheBudgetIsFullOfEntriesYoungerThanT4() {
        long budget = 3 * entryBytes(0);
        Fixture f = answeringFixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        for (int n = 0; n < 3; n++) {
            assertThat(f.layer.requestReceived(register(n), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }

        f.advanceTo(4_999);
        assertThat(f.layer.requestReceived(register(3), f.udp)).isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
        assertThat(f.layer.counters().refused()).isEqualTo(1);
        assertThat(f.layer.counters().refusedCompletedMemory()).as("refused for the completed memory, not the live limit")
                .isEqualTo(1);
        assertThat(f.user.ofType("request")).hasSize(3);
        assertThat(f.layer.requestReceived(register(1), f.udp)).as("retransmissions are still absorbed")
                .isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.completedReleasedEarly()).isZero();

        f.advanceTo(5_000);
        assertThat(f.layer.requestReceived(register(3), f.udp)).as("the oldest have absorbed for T4: room again")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.completedReleasedEarly()).isPositive();
    }

    @Test
    void replaySafeEntriesAreReleasedBeforeT4SoNewRequestsAreServedAndARetransmissionReachesTheTuAgain() {
        long budget = 3 * entryBytes(0);
        Fixture f = replaySafeFixture(budget, branch -> true);
        for (int n = 0; n < 10; n++) {
            f.advanceTo(n * 10L);
            assertThat(f.layer.requestReceived(register(n), f.udp)).as("request %d", n)
                    .isEqualTo(RequestDisposition.NEW_TRANSACTION);
            assertThat(f.layer.completedTransactionBytes()).isLessThanOrEqualTo(budget + entryBytes(n));
        }
        assertThat(f.layer.counters().refused()).as("a full budget of replay-safe entries refuses nothing").isZero();
        assertThat(f.layer.completedReleasedBeforeT4()).as("all released within 100 ms, long before T4").isEqualTo(7);
        assertThat(f.layer.completedReleasedEarly()).isEqualTo(7);
        assertThat(f.layer.requestReceived(register(9), f.udp)).as("the youngest still absorb")
                .isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.requestReceived(register(0), f.udp)).as("a released one is the TU's again")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.user.ofType("request")).hasSize(11);
    }

    @Test
    void anEntryNotReplaySafeStillHoldsForT4ButDoesNotHoldBackTheReplaySafeOnesBehindIt() {
        Fixture f = replaySafeFixture(3 * entryBytes(0), branch -> !branch.equals("z9hG4bKreg0"));   // all but the first
        for (int n = 0; n < 3; n++) {
            assertThat(f.layer.requestReceived(register(n), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        f.advanceTo(4_999);
        assertThat(f.layer.requestReceived(register(3), f.udp))
                .as("the oldest, not replay-safe, is younger than T4; a replay-safe one behind it goes instead")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.counters().refused()).isZero();
        assertThat(f.layer.completedReleasedBeforeT4()).isEqualTo(1);
        assertThat(f.layer.requestReceived(register(0), f.udp)).as("the one not replay-safe still absorbs")
                .isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.requestReceived(register(1), f.udp)).as("the oldest replay-safe one went")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void aBudgetFullOfEntriesNotReplaySafeAndYoungerThanT4StillRefusesWhateverIsQueuedBesideThem() {
        Fixture f = replaySafeFixture(3 * entryBytes(0), branch -> branch.equals("z9hG4bKreg9"));   // none but reg9
        for (int n = 0; n < 3; n++) {
            assertThat(f.layer.requestReceived(register(n), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        f.advanceTo(4_999);
        assertThat(f.layer.requestReceived(register(3), f.udp)).isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
        assertThat(f.layer.completedReleasedEarly()).isZero();
        f.advanceTo(5_000);
        assertThat(f.layer.requestReceived(register(3), f.udp)).as("the oldest have absorbed for T4")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.completedReleasedBeforeT4()).isZero();
        assertThat(f.layer.completedReleasedEarly()).isPositive();
    }

    @Test
    void entriesOfBothQueuesExpireAtTimerJAndTheTimerWatchesWhicheverIsOlder() {
        Fixture f = replaySafeFixture(1L << 30, branch -> branch.equals("z9hG4bKreg1"));
        assertThat(f.layer.requestReceived(register(0), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        f.advanceTo(1_000);
        assertThat(f.layer.requestReceived(register(1), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        f.advanceTo(2_000);
        assertThat(f.layer.requestReceived(register(2), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.completedTransactions()).isEqualTo(3);

        f.advanceTo(32_000);
        assertThat(f.layer.completedTransactions()).as("Timer J of the first, not replay-safe").isEqualTo(2);
        f.advanceTo(33_000);
        assertThat(f.layer.completedTransactions()).as("then of the replay-safe one").isEqualTo(1);
        f.advanceTo(34_000);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.layer.completedTransactionBytes()).isZero();
        assertThat(f.layer.completedReleasedEarly()).isZero();
        assertThat(f.timer.pendingTasks()).as("the expiry task is disarmed when both queues are empty").isZero();

        assertThat(f.layer.requestReceived(register(3), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        f.advanceTo(66_000);
        assertThat(f.layer.completedTransactions()).as("and armed again by the next entry").isZero();
    }

    @Test
    void aFullLargeBudgetReleasesABatchSoTheAddsThatFollowFindRoomWithoutReleasing() {
        long budget = 8L << 20;   // batches of 1/64: 128 KiB, ~200 entries of ~640 B
        Fixture f = answeringFixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        int n = 0;
        while (f.layer.completedTransactionBytes() < budget - 1_000) {
            assertThat(f.layer.requestReceived(register(n++), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        f.advanceTo(5_000);
        while (f.layer.completedReleasedEarly() == 0) {
            assertThat(f.layer.requestReceived(register(n++), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        long batch = f.layer.completedReleasedEarly();
        assertThat(batch).as("one release took 1/64 of the budget, not one entry").isGreaterThan(150);
        assertThat(f.layer.completedTransactionBytes()).isLessThanOrEqualTo(budget - budget / 64);
        for (int i = 0; i < 100; i++) {
            assertThat(f.layer.requestReceived(register(n++), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        assertThat(f.layer.completedReleasedEarly()).as("the next adds found room").isEqualTo(batch);
        assertThat(f.layer.counters().refused()).isZero();
    }

    @Test
    void aBatchReleaseStopsAtEntriesYoungerThanT4AndTheyStillAnswerRetransmissions() {
        long budget = 8L << 20;
        Fixture f = answeringFixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        int n = 0;
        for (; n < 50; n++) {
            f.layer.requestReceived(register(n), f.udp);
        }
        f.advanceTo(3_000);
        while (f.layer.completedTransactionBytes() < budget) {
            assertThat(f.layer.requestReceived(register(n++), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        f.advanceTo(5_000);
        assertThat(f.layer.requestReceived(register(n++), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.completedReleasedEarly()).as("only the 50 entries of 0 ms had absorbed for T4")
                .isEqualTo(50);

        int sentBefore = f.udp.messages().size();
        SipResponse kept = (SipResponse) f.udp.messages().get(60);   // the 200 OK of register(60), sent at 3,000 ms
        assertThat(f.layer.requestReceived(register(60), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.udp.messages()).hasSize(sentBefore + 1);
        assertThat(f.udp.lastResponse()).as("the same final response again (RFC 3261 §17.2.2)").isSameAs(kept);
        assertThat(f.layer.requestReceived(register(0), f.udp)).as("a released one is a new request")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void overTcpNothingIsKept() {
        Fixture f = answeringFixture(TransactionConfig.builder().completedMemoryBytes(1).build());
        for (int n = 0; n < 5; n++) {
            assertThat(f.layer.requestReceived(register(n), f.tcp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        }
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.tcp.retainedCount).isZero();
    }

    @Test
    void aRetransmissionThatReachedTheTransactionObjectIsAnsweredFromTheKeptResponse() {
        Fixture f = new Fixture();
        f.layer.requestReceived(register(1), f.udp);
        ServerTransaction tx = (ServerTransaction) f.user.events.get(0).transaction();
        SipResponse ok = Messages.response(register(1), 200);
        tx.sendResponse(ok);

        // As when the event loop matched the object just before its lean entry replaced it.
        tx.requestRetransmitted(register(1));

        assertThat(f.udp.messages()).containsExactly(ok, ok);
        assertThat(f.user.types()).containsExactly("request", "terminated");
    }

    @Test
    void aSendFailureOfTheFinalResponseKeepsNothing() {
        Fixture f = new Fixture();
        f.layer.requestReceived(register(1), f.udp);
        ServerTransaction tx = (ServerTransaction) f.user.events.get(0).transaction();
        f.udp.failNextSend(new java.io.IOException("no route"));

        tx.sendResponse(Messages.response(register(1), 200));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.user.types()).containsExactly("request", "transport-error", "terminated");
        assertThat(f.layer.requestReceived(register(1), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void anRfc2543RequestIsKeptByItsLegacyKey() {
        Fixture f = answeringFixture(TransactionConfig.defaults());
        SipRequest old = Messages.request(SipMethod.OPTIONS, "1234");
        old.setHeader(HeaderName.VIA, "SIP/2.0/UDP pc33.atlanta.example.com:5060");

        assertThat(f.layer.requestReceived(old, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        SipRequest again = Messages.request(SipMethod.OPTIONS, "1234");
        again.setHeader(HeaderName.VIA, "SIP/2.0/UDP pc33.atlanta.example.com:5060");

        assertThat(f.layer.completedTransactions()).isEqualTo(1);
        assertThat(f.layer.requestReceived(again, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.udp.count()).isEqualTo(2);
    }

    @Test
    void anRfc2543RequestMarkedReplaySafeStillHoldsForT4() {
        // one byte of budget: the first entry fills it; a replay-safe one would be released at once, this one is not
        Fixture f = replaySafeFixture(1, branch -> true);
        SipRequest old = Messages.request(SipMethod.OPTIONS, "1234");
        old.setHeader(HeaderName.VIA, "SIP/2.0/UDP pc33.atlanta.example.com:5060");
        assertThat(f.layer.requestReceived(old, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        f.advanceTo(100);
        assertThat(f.layer.requestReceived(register(1), f.udp)).as("its TU could not recognise a retransmission of it")
                .isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
        assertThat(f.layer.completedReleasedBeforeT4()).isZero();
    }
}
