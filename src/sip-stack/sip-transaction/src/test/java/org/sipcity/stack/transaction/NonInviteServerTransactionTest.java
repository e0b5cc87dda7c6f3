package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3261 §17.2.2 on the simulated clock (T1 = 500 ms, T4 = 5 s). */
class NonInviteServerTransactionTest {

    private final Fixture f = new Fixture();
    private final SipRequest register = Messages.request(SipMethod.REGISTER, "z9hG4bKnashds7");

    private ServerTransaction receive(boolean reliable) {
        assertThat(f.layer.requestReceived(register, f.channel(reliable))).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        return (ServerTransaction) f.user.events.get(0).transaction();
    }

    @Test
    void retransmissionsInTryingAreDiscarded() {
        ServerTransaction tx = receive(false);

        assertThat(f.layer.requestReceived(register, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        f.advance(1000);

        assertThat(f.udp.count()).as("no automatic 100 for non-INVITE").isZero();
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        assertThat(f.user.types()).containsExactly("request");
    }

    @Test
    void retransmissionsInProceedingAndCompletedGetTheLastResponse() {
        ServerTransaction tx = receive(false);
        SipResponse trying = Messages.response(register, 100);
        SipResponse ok = Messages.response(register, 200);

        tx.sendResponse(trying);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        f.layer.requestReceived(register, f.udp);
        tx.sendResponse(ok);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.layer.requestReceived(register, f.udp);
        f.layer.requestReceived(register, f.udp);

        assertThat(f.udp.messages()).containsExactly(trying, trying, ok, ok, ok);
        assertThat(f.layer.counters().retransmissions()).isEqualTo(3);
        assertThat(f.user.types()).as("over UDP the TU is done with the transaction once it sent the final response")
                .containsExactly("request", "terminated");
    }

    @Test
    void timerJKeepsCompletedFor64T1OverUdp() {
        ServerTransaction tx = receive(false);
        f.advanceTo(300);
        SipResponse ok = Messages.response(register, 200);
        tx.sendResponse(ok);
        assertThat(f.user.types()).as("the TU is told at once: only the lean entry is left")
                .containsExactly("request", "terminated");

        f.advanceTo(300 + 31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(tx.sendResponse(Messages.response(register, 500))).isFalse();
        assertThat(f.layer.requestReceived(register, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.udp.messages()).containsExactly(ok, ok);
        f.advanceTo(300 + 32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "terminated");
        assertThat(f.udp.count()).as("final responses are not retransmitted on a timer").isEqualTo(2);
        assertThat(f.layer.requestReceived(register, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void finalResponseOverTcpTerminatesAtOnce() {
        ServerTransaction tx = receive(true);

        assertThat(tx.sendResponse(Messages.response(register, 200))).isTrue();

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "terminated");
        assertThat(f.timer.pendingTasks()).isZero();
        assertThat(tx.sendResponse(Messages.response(register, 200))).isFalse();
    }

    @Test
    void aRequestTheTuNeverAnswersEndsAfterTheGuard() {
        ServerTransaction tx = receive(true);

        f.advanceTo(f.layer.config().nonInviteServerGuard() - 1);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);
        f.advanceTo(f.layer.config().nonInviteServerGuard());

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "timeout", "terminated");
        assertThat(tx.sendResponse(Messages.response(register, 200))).isFalse();
    }

    @Test
    void afterTimerJTheSameRequestIsNewAgain() {
        ServerTransaction first = receive(false);
        first.sendResponse(Messages.response(register, 200));
        f.advance(32_000);

        assertThat(f.layer.requestReceived(register, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.user.ofType("request")).hasSize(2);
        assertThat(f.user.ofType("request").get(1).transaction()).isNotSameAs(first);
    }
}
