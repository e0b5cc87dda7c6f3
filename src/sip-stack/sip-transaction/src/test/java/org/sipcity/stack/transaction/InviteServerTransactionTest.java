package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 3261 §17.2.1 with RFC 6026 §7.1, on the simulated clock (T1 = 500 ms, T2 = 4 s, T4 = 5 s). */
class InviteServerTransactionTest {

    private final Fixture f = new Fixture();
    private final SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bK776asdhds");

    private InviteServerTransaction receive(boolean reliable) {
        assertThat(f.layer.requestReceived(invite, f.channel(reliable))).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.user.types()).containsExactly("request");
        return (InviteServerTransaction) f.user.events.get(0).transaction();
    }

    @Test
    void sends100TryingAfter200MillisecondsIfTheTuHasNotAnswered() {
        InviteServerTransaction tx = receive(false);

        f.advanceTo(199);
        assertThat(f.udp.count()).isZero();
        f.advanceTo(200);

        SipResponse trying = f.udp.lastResponse();
        assertThat(trying.getStatus()).isEqualTo(100);
        assertThat(trying.getCallId()).isEqualTo(invite.getCallId());
        assertThat(trying.getTopVia().branch()).isEqualTo("z9hG4bK776asdhds");
        assertThat(tx.lastResponse()).isSameAs(trying);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
    }

    @Test
    void no100TryingWhenTheTuAnswersInTime() {
        InviteServerTransaction tx = receive(true);
        f.advanceTo(150);
        SipResponse ringing = Messages.response(invite, 180);

        assertThat(tx.sendResponse(ringing)).isTrue();
        assertThat(f.timer.pendingTasks()).as("the 100 Trying timer was cancelled").isZero();
        f.advance(10_000);

        assertThat(f.tcp.messages()).containsExactly(ringing);
    }

    @Test
    void provisionalDelayIsConfigurable() {
        Fixture never = new Fixture(TransactionConfig.builder().provisionalDelay(Duration.ofMillis(-1)).build());
        never.layer.requestReceived(invite, never.udp);
        never.advance(1000);
        assertThat(never.udp.count()).isZero();

        Fixture immediate = new Fixture(TransactionConfig.builder().provisionalDelay(Duration.ZERO).build());
        immediate.layer.requestReceived(invite, immediate.udp);
        immediate.timer.runDue();
        assertThat(immediate.udp.lastResponse().getStatus()).isEqualTo(100);
    }

    @Test
    void retransmittedInviteGetsTheLastProvisionalResponse() {
        InviteServerTransaction tx = receive(false);
        f.advanceTo(100);
        // Before any response: absorbed silently.
        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.udp.count()).isZero();

        SipResponse ringing = Messages.response(invite, 180);
        tx.sendResponse(ringing);
        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.ABSORBED);

        assertThat(f.udp.messages()).containsExactly(ringing, ringing);
        assertThat(f.user.types()).as("retransmissions are not passed up").containsExactly("request");
        assertThat(f.layer.counters().absorbed()).isEqualTo(2);
    }

    @Test
    void timerGRetransmitsTheFinalResponseDoublingToT2UntilTimerH() {
        InviteServerTransaction tx = receive(false);
        f.advanceTo(100);
        SipResponse busy = Messages.response(invite, 486);
        tx.sendResponse(busy);

        f.advance(60_000);

        // §17.2.1: G = T1, then min(2·G, T2); H = 64·T1 after entering Completed (100 + 32 000).
        assertThat(f.udp.sendTimes()).containsExactly(100L, 600L, 1600L, 3600L, 7600L, 11_600L, 15_600L,
                19_600L, 23_600L, 27_600L, 31_600L);
        assertThat(f.udp.messages()).allMatch(m -> m == busy);
        assertThat(f.user.types()).containsExactly("request", "timeout", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void timerHFiresAt64T1AfterTheFinalResponse() {
        InviteServerTransaction tx = receive(true);
        tx.sendResponse(Messages.response(invite, 486));

        f.advanceTo(31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advanceTo(32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "timeout", "terminated");
        assertThat(f.tcp.count()).as("no Timer G over TCP").isEqualTo(1);
    }

    @Test
    void retransmittedInviteInCompletedGetsTheFinalResponseAgain() {
        InviteServerTransaction tx = receive(true);
        SipResponse busy = Messages.response(invite, 486);
        tx.sendResponse(busy);

        f.layer.requestReceived(invite, f.tcp);

        assertThat(f.tcp.messages()).containsExactly(busy, busy);
    }

    @Test
    void ackConfirmsAndTimerIAbsorbsAckRetransmissionsForT4() {
        InviteServerTransaction tx = receive(false);
        SipResponse busy = Messages.response(invite, 486);
        tx.sendResponse(busy);
        f.advanceTo(1000);
        SipRequest ack = Messages.ackFor(invite, busy);

        assertThat(f.layer.requestReceived(ack, f.udp)).isEqualTo(RequestDisposition.ACK_CONSUMED);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(f.layer.requestReceived(ack, f.udp)).isEqualTo(RequestDisposition.ACK_CONSUMED);
        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.ABSORBED);

        f.advanceTo(1000 + 4999);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        f.advanceTo(1000 + 5000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        // G fired at 500 only; the ACK stopped it; nothing was sent in Confirmed.
        assertThat(f.udp.sendTimes()).containsExactly(0L, 500L);
        assertThat(f.user.types()).containsExactly("request", "terminated");
    }

    @Test
    void ackOverTcpTerminatesAtOnce() {
        InviteServerTransaction tx = receive(true);
        SipResponse busy = Messages.response(invite, 486);
        tx.sendResponse(busy);

        f.layer.requestReceived(Messages.ackFor(invite, busy), f.tcp);

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.timer.pendingTasks()).isZero();
        assertThat(f.layer.liveTransactions()).isZero();
    }

    @ParameterizedTest(name = "reliable={0}")
    @ValueSource(booleans = {false, true})
    void successMovesToAcceptedWhichAbsorbsInvitesAndLetsTheTuRetransmit(boolean reliable) {
        InviteServerTransaction tx = receive(reliable);
        RecordingChannel channel = f.channel(reliable);
        f.advanceTo(1000);
        SipResponse ok = Messages.response(invite, 200);

        assertThat(tx.sendResponse(ok)).isTrue();
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        int sentSoFar = channel.count();

        // RFC 6026 §7.1: no 2xx retransmission of its own ...
        f.advance(10_000);
        assertThat(channel.count()).isEqualTo(sentSoFar);
        // ... a retransmitted INVITE is absorbed without an answer and not passed up ...
        assertThat(f.layer.requestReceived(invite, channel)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(channel.count()).isEqualTo(sentSoFar);
        assertThat(f.layer.counters().absorbed()).isEqualTo(1);
        assertThat(f.layer.counters().retransmissions()).as("nothing was sent for it").isZero();
        // ... the TU's own 2xx retransmissions go out, nothing else does.
        assertThat(tx.sendResponse(ok)).isTrue();
        assertThat(tx.sendResponse(Messages.response(invite, 486))).isFalse();
        assertThat(tx.sendResponse(Messages.response(invite, 180))).isFalse();
        assertThat(channel.count()).isEqualTo(sentSoFar + 1);
        assertThat(channel.messages().get(channel.count() - 1)).isSameAs(ok);
        assertThat(f.user.ofType("request")).hasSize(1);

        // Timer L = 64·T1 from entering Accepted.
        f.advanceTo(1000 + 31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        assertThat(f.layer.requestReceived(invite, channel)).isEqualTo(RequestDisposition.ABSORBED);
        f.advanceTo(1000 + 32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(tx.sendResponse(ok)).as("after Timer L nothing is sent").isFalse();
        assertThat(channel.count()).isEqualTo(sentSoFar + 1);
        // Past Timer L the same INVITE is a new request again.
        assertThat(f.layer.requestReceived(invite, channel)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.user.ofType("request")).hasSize(2);
    }

    @ParameterizedTest(name = "reliable={0}")
    @ValueSource(booleans = {false, true})
    void acceptedIsALeanEntryOutOfTheLiveCountAndChargedToTheMemoryBudget(boolean reliable) {
        InviteServerTransaction tx = receive(reliable);
        assertThat(f.layer.liveTransactions()).isEqualTo(1);

        tx.sendResponse(Messages.response(invite, 200));

        assertThat(f.layer.liveTransactions()).as("the slot is free for a new call").isZero();
        assertThat(f.layer.counters().active(TransactionKind.INVITE_SERVER)).isZero();
        assertThat(f.user.types()).as("the TU's last callback for it").containsExactly("request", "terminated");
        assertThat(f.layer.completedTransactions()).isEqualTo(1);
        // Key only: no response is kept, retransmitted INVITEs get no answer in Accepted.
        assertThat(f.layer.completedTransactionBytes()).isEqualTo(CompletedEntries.ENTRY_BYTES
                + KeyStrings.bytes("z9hG4bK776asdhds") + KeyStrings.bytes("pc33.atlanta.example.com"));
        assertThat(f.channel(reliable).retainedCount).isZero();
        assertThat(f.timer.pendingTasks()).as("one task for Timer L of every entry, no timer of its own").isEqualTo(1);

        f.advance(32_000);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.layer.completedTransactionBytes()).isZero();
        assertThat(f.timer.pendingTasks()).isZero();
    }

    @Test
    void ackMatchingInAcceptedIsPassedToTheTu() {
        InviteServerTransaction tx = receive(false);
        SipResponse ok = Messages.response(invite, 200);
        tx.sendResponse(ok);
        // An ACK with the INVITE's branch (as an RFC 2543-style UAC or a broken one sends it).
        SipRequest ack = Messages.ackFor(invite, ok);

        assertThat(f.layer.requestReceived(ack, f.udp)).isEqualTo(RequestDisposition.ACK_PASSED_UP);

        RecordingUser.Event event = f.user.ofType("ack").get(0);
        assertThat(event.transaction()).as("only the lean entry matched").isNull();
        assertThat(event.message()).isSameAs(ack);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        assertThat(f.layer.completedTransactions()).as("the ACK does not end Accepted").isEqualTo(1);
    }

    @Test
    void responsesAfterTheFinalOneAreRefused() {
        InviteServerTransaction tx = receive(false);
        assertThat(tx.sendResponse(Messages.response(invite, 486))).isTrue();

        assertThat(tx.sendResponse(Messages.response(invite, 180))).isFalse();
        assertThat(tx.sendResponse(Messages.response(invite, 200))).isFalse();
        assertThat(tx.lastResponse().getStatus()).isEqualTo(486);
        assertThatThrownBy(() -> tx.sendResponse(Messages.response(invite, 99)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transportErrorOnTheFinalResponseInformsTheTu() {
        InviteServerTransaction tx = receive(true);
        f.tcp.failNextSend(new IOException("Connection reset by peer"));

        assertThat(tx.sendResponse(Messages.response(invite, 486))).isTrue();

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "transport-error", "terminated");
        assertThat(f.timer.pendingTasks()).isZero();
    }

    @Test
    void transportErrorOnATuRetransmissionInAcceptedLeavesTheEntryAbsorbing() {
        InviteServerTransaction tx = receive(true);
        SipResponse ok = Messages.response(invite, 200);
        tx.sendResponse(ok);
        f.tcp.failNextSend(new IOException("Broken pipe"));

        // The TU retransmits its 2xx (RFC 6026 §7.1) and the flow is gone: the TU was told of the termination
        // already, so nothing more is reported.
        assertThat(tx.sendResponse(ok)).isTrue();

        assertThat(f.user.types()).containsExactly("request", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        // Still absorbing INVITE retransmissions, which must not reach the TU as new requests.
        assertThat(f.layer.requestReceived(invite, f.tcp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.user.ofType("request")).hasSize(1);
    }

    @Test
    void transportErrorOnTheTwoHundredItselfIsReportedAndTheEntryStillAbsorbs() {
        InviteServerTransaction tx = receive(true);
        f.tcp.failNextSend(new IOException("Connection reset by peer"));

        assertThat(tx.sendResponse(Messages.response(invite, 200))).isTrue();

        assertThat(f.user.types()).containsExactly("request", "transport-error", "terminated");
        assertThat(f.layer.requestReceived(invite, f.tcp)).isEqualTo(RequestDisposition.ABSORBED);
    }

    @Test
    void cancelOfAnAnsweredInviteFindsNoTarget() {
        InviteServerTransaction tx = receive(false);
        tx.sendResponse(Messages.response(invite, 200));

        assertThat(f.layer.findCancelTarget(Messages.cancelFor(invite))).isNull();
    }

    @Test
    void transportErrorInProceedingEndsTheTransaction() {
        InviteServerTransaction tx = receive(false);
        f.udp.failNextSend(new IOException("Network unreachable"));

        tx.sendResponse(Messages.response(invite, 180));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("request", "transport-error", "terminated");
    }

    @Test
    void tuAnsweringFromWithinTheCallbackWorks() {
        f.user.onRequest = (tx, request) -> tx.sendResponse(Messages.response(request, 486));

        f.layer.requestReceived(invite, f.tcp);

        assertThat(f.tcp.lastResponse().getStatus()).isEqualTo(486);
        assertThat(f.user.events.get(0).transaction().state()).isEqualTo(TransactionState.COMPLETED);
    }
}
