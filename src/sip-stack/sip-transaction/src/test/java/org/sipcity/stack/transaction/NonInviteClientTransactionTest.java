package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3261 §17.1.2 on the simulated clock (T1 = 500 ms, T2 = 4 s, T4 = 5 s). */
class NonInviteClientTransactionTest {

    private final Fixture f = new Fixture();
    private final SipRequest register = Messages.request(SipMethod.REGISTER, f.layer.newBranch());

    @Test
    void timerEDoublesUpToT2UntilTimerFTimesOut() {
        ClientTransaction tx = f.layer.sendRequest(register, f.udp);

        f.advance(40_000);

        // Intervals 500, 1000, 2000, 4000 (capped at T2), 4000 ... until F at 32 s.
        assertThat(f.udp.sendTimes()).containsExactly(
                0L, 500L, 1500L, 3500L, 7500L, 11_500L, 15_500L, 19_500L, 23_500L, 27_500L, 31_500L);
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void provisionalResponseSetsTimerEToT2() {
        ClientTransaction tx = f.layer.sendRequest(register, f.udp);
        f.advanceTo(600);

        f.layer.responseReceived(Messages.response(register, 100), f.udp);
        f.advanceTo(20_000);

        // E fired at 500 (next due 1500 in Trying, reset to 1000 interval); in Proceeding E fires,
        // resends, and is reset to T2 (§17.1.2.2).
        assertThat(f.udp.sendTimes()).containsExactly(0L, 500L, 1500L, 5500L, 9500L, 13_500L, 17_500L);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(f.user.responseStatuses()).containsExactly(100);
    }

    @Test
    void timerFAlsoRunsInProceeding() {
        f.layer.sendRequest(register, f.tcp);
        f.layer.responseReceived(Messages.response(register, 100), f.tcp);

        f.advanceTo(32_000);

        assertThat(f.user.types()).containsExactly("response", "timeout", "terminated");
    }

    @Test
    void finalResponseCompletesAndTimerKAbsorbsRetransmissionsForT4() {
        ClientTransaction tx = f.layer.sendRequest(register, f.udp);
        f.advanceTo(700);
        f.layer.responseReceived(Messages.response(register, 200), f.udp);

        f.advanceTo(2000);
        f.layer.responseReceived(Messages.response(register, 200), f.udp);

        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.user.responseStatuses()).containsExactly(200);
        assertThat(f.udp.sendTimes()).as("no retransmission after the final response").containsExactly(0L, 500L);
        assertThat(f.layer.counters().absorbed()).isEqualTo(1);

        f.advanceTo(700 + 4999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advanceTo(700 + 5000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("response", "terminated");
    }

    @Test
    void overTcpNoRetransmissionsAndTimerKIsZero() {
        ClientTransaction tx = f.layer.sendRequest(register, f.tcp);
        f.advanceTo(10_000);
        assertThat(f.tcp.sendTimes()).containsExactly(0L);

        f.layer.responseReceived(Messages.response(register, 200), f.tcp);

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("response", "terminated");
        assertThat(f.timer.pendingTasks()).as("every timer cancelled").isZero();
    }

    @Test
    void timersFollowConfiguredT1AndT2() {
        Fixture fast = new Fixture(TransactionConfig.builder()
                .t1(Duration.ofMillis(100)).t2(Duration.ofMillis(300)).t4(Duration.ofMillis(1000)).build());
        SipRequest options = Messages.request(SipMethod.OPTIONS, fast.layer.newBranch());
        fast.layer.sendRequest(options, fast.udp);

        fast.advance(10_000);

        // 100, 200, 300 (T2), 300 ... F at 64·T1 = 6400.
        assertThat(fast.udp.sendTimes()).startsWith(0L, 100L, 300L, 600L, 900L, 1200L).endsWith(6300L);
        assertThat(fast.user.types()).containsExactly("timeout", "terminated");
        assertThat(fast.user.events).hasSize(2);
    }
}
