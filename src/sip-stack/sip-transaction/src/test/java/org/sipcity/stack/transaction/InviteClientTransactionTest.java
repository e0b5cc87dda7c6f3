package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3261 §17.1.1 with RFC 6026 §7.2, on the simulated clock with default timers (T1 = 500 ms). */
class InviteClientTransactionTest {

    private final Fixture f = new Fixture();
    private final String branch = f.layer.newBranch();

    private SipRequest invite() {
        SipRequest invite = Messages.request(SipMethod.INVITE, branch);
        invite.addHeader(HeaderName.ROUTE, "<sip:p1.example.com;lr>");
        invite.addHeader(HeaderName.ROUTE, "<sip:p2.example.com;lr>");
        return invite;
    }

    private InviteClientTransaction start(SipRequest invite, boolean reliable) {
        return (InviteClientTransaction) f.layer.sendRequest(invite, f.channel(reliable));
    }

    @Test
    void timerADoublesWithoutCapUntilTimerBTimesOutOverUdp() {
        InviteClientTransaction tx = start(invite(), false);

        f.advance(40_000);

        // §17.1.1.2: sent at 0, then after T1, 2·T1, 4·T1 ... while Timer B (64·T1 = 32 s) runs;
        // Timer A has no T2 cap, so the last interval is 16 s.
        assertThat(f.udp.sendTimes()).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15_500L, 31_500L);
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
        assertThat(f.user.events.get(0).transaction()).isSameAs(tx);
        assertThat(f.timer.now()).isEqualTo(40_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.counters().retransmissions()).isEqualTo(6);
        assertThat(f.layer.counters().timedOut()).isEqualTo(1);
        assertThat(f.layer.liveTransactions()).isZero();
    }

    @Test
    void timerBFiresAt64T1() {
        start(invite(), false);

        f.advanceTo(31_999);
        assertThat(f.user.types()).isEmpty();
        f.advanceTo(32_000);
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
    }

    @Test
    void noRetransmissionsOverTcpButStillTimerB() {
        start(invite(), true);

        f.advance(40_000);

        assertThat(f.tcp.sendTimes()).containsExactly(0L);
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
        assertThat(f.layer.counters().retransmissions()).isZero();
    }

    @Test
    void provisionalResponseStopsRetransmissionsAndTimerB() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, false);
        f.advanceTo(600);

        f.layer.responseReceived(Messages.response(invite, 180), f.udp);
        f.advance(200_000);

        assertThat(f.udp.sendTimes()).containsExactly(0L, 500L);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(f.user.responseStatuses()).containsExactly(180);
        assertThat(f.user.types()).doesNotContain("timeout");
    }

    @ParameterizedTest(name = "reliable={0}")
    @ValueSource(booleans = {false, true})
    void nonSuccessFinalResponseIsAcknowledgedByTheTransaction(boolean reliable) {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, reliable);
        SipResponse busy = Messages.response(invite, 486);

        f.layer.responseReceived(busy, f.channel(reliable));

        SipRequest ack = f.channel(reliable).lastRequest();
        assertThat(ack.getMethod()).isEqualTo(SipMethod.ACK);
        // §17.1.1.3: Request-URI, Call-ID, From of the request; To of the response; CSeq number with
        // method ACK; a single Via equal to the request's top Via; the request's Route headers.
        assertThat(ack.getRequestUri().toString()).isEqualTo(invite.getRequestUri().toString());
        assertThat(ack.getCallId()).isEqualTo(invite.getCallId());
        assertThat(ack.getHeader(HeaderName.FROM)).isEqualTo(invite.getHeader(HeaderName.FROM));
        assertThat(ack.getHeader(HeaderName.TO)).isEqualTo(busy.getHeader(HeaderName.TO));
        assertThat(ack.getToTag()).isEqualTo("a6c85cf");
        assertThat(ack.getCSeq().sequence()).isEqualTo(invite.getCSeq().sequence());
        assertThat(ack.getCSeq().method()).isEqualTo(SipMethod.ACK);
        assertThat(ack.getHeaders(HeaderName.VIA)).containsExactly(invite.getHeader(HeaderName.VIA));
        assertThat(ack.getTopVia().branch()).isEqualTo(branch);
        assertThat(ack.getHeaders(HeaderName.ROUTE)).containsExactly("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>");
        assertThat(ack.getMaxForwards()).isEqualTo(70);
        assertThat(tx.ack()).isSameAs(ack);
        assertThat(f.user.responseStatuses()).containsExactly(486);
        // Timer D is zero on reliable transports (Table 4).
        assertThat(tx.state()).isEqualTo(reliable ? TransactionState.TERMINATED : TransactionState.COMPLETED);
    }

    @Test
    void retransmittedFinalResponseResendsTheAckAndIsNotPassedUp() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, false);
        SipResponse busy = Messages.response(invite, 486);
        f.layer.responseReceived(busy, f.udp);
        SipRequest ack = f.udp.lastRequest();

        f.advance(1000);
        f.layer.responseReceived(Messages.response(invite, 486), f.udp);
        f.advance(1000);
        f.layer.responseReceived(Messages.response(invite, 486), f.udp);

        assertThat(f.udp.messages()).containsExactly(invite, ack, ack, ack);
        assertThat(f.user.responseStatuses()).containsExactly(486);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(f.layer.counters().absorbed()).isEqualTo(2);
    }

    @Test
    void timerDEndsCompletedAfter32Seconds() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, false);
        f.advanceTo(100);
        f.layer.responseReceived(Messages.response(invite, 404), f.udp);

        f.advanceTo(100 + 31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        f.advanceTo(100 + 32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("response", "terminated");
        // Retransmissions stopped with the final response.
        assertThat(f.udp.sendTimes()).containsExactly(0L, 100L);
    }

    @Test
    void successMovesToAcceptedWherEvery2xxGoesUpUntilTimerM() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, false);
        f.layer.responseReceived(Messages.response(invite, 180), f.udp);
        f.advanceTo(1000);

        f.layer.responseReceived(Messages.response(invite, 200), f.udp);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        // RFC 6026 §8.4: retransmissions of the 2xx are passed to the TU, which acknowledges them.
        f.layer.responseReceived(Messages.response(invite, 200), f.udp);
        // Anything but a 2xx is not.
        f.layer.responseReceived(Messages.response(invite, 486), f.udp);
        f.layer.responseReceived(Messages.response(invite, 180), f.udp);

        assertThat(f.user.responseStatuses()).containsExactly(180, 200);
        assertThat(f.user.ofType("accepted-response")).extracting(e -> ((SipResponse) e.message()).getStatus())
                .containsExactly(200);
        assertThat(f.udp.count()).as("no ACK for a 2xx from the transaction").isEqualTo(1);

        f.advanceTo(1000 + 31_999);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        f.layer.responseReceived(Messages.response(invite, 200), f.udp);
        assertThat(f.user.ofType("accepted-response")).hasSize(2);
        f.advanceTo(1000 + 32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).doesNotContain("timeout");
        f.layer.responseReceived(Messages.response(invite, 200), f.udp);
        assertThat(f.user.types()).as("after Timer M a 2xx is stray (RFC 6026 §8.4)").endsWith("stray-response");
    }

    @Test
    void acceptedIsALeanEntryWithWhatTheTuAttachedUntilTimerM() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, true);
        tx.attach("the branch");
        f.user.onResponse = (client, response) -> client.attach("the way upstream");
        assertThat(f.layer.liveTransactions()).isEqualTo(1);

        f.layer.responseReceived(Messages.response(invite, 200), f.tcp);

        assertThat(f.user.types()).containsExactly("response", "terminated");
        assertThat(f.layer.liveTransactions()).isZero();
        assertThat(f.layer.acceptedClientTransactions()).isEqualTo(1);
        assertThat(f.layer.completedTransactionBytes()).isEqualTo(CompletedEntries.ENTRY_BYTES
                + KeyStrings.bytes(tx.branch()) + CompletedEntries.ACCEPTED_CLIENT_RETAINED_BYTES);
        assertThat(f.timer.pendingTasks()).as("one FIFO task, no Timer M of its own").isEqualTo(1);
        // The 2xx of another fork (another To tag) goes up too, with the attachment as it was after the first 2xx.
        SipResponse fork = Messages.response(invite, 200);
        fork.setToTag("another-fork");
        f.layer.responseReceived(fork, f.tcp);
        assertThat(f.user.ofType("accepted-response")).extracting(RecordingUser.Event::message, RecordingUser.Event::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(fork, "the way upstream"));

        f.advance(32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.acceptedClientTransactions()).isZero();
        assertThat(f.layer.completedTransactionBytes()).isZero();
        assertThat(f.layer.liveTransactions()).as("not given back twice").isZero();
        assertThat(f.user.ofType("terminated")).as("terminated once").hasSize(1);
    }

    @Test
    void successOverTcpAlsoWaitsInAccepted() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, true);

        f.layer.responseReceived(Messages.response(invite, 200), f.tcp);

        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
        f.advance(32_000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void transportErrorWhileSendingTheInviteInformsTheTu() {
        IOException refused = new IOException("Connection refused");
        f.tcp.failNextSend(refused);

        InviteClientTransaction tx = start(invite(), true);

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("transport-error", "terminated");
        assertThat(f.user.events.get(0).detail()).isSameAs(refused);
        assertThat(f.layer.counters().transportErrors()).isEqualTo(1);
        assertThat(f.layer.liveTransactions()).isZero();
        f.advance(60_000);
        assertThat(f.user.types()).as("no timer outlives the transaction").hasSize(2);
    }

    @Test
    void transportErrorReportedLaterEndsARetransmittingTransaction() {
        InviteClientTransaction tx = start(invite(), false);
        f.advanceTo(500);

        f.udp.failLastSendLater(new IOException("ICMP port unreachable"));
        f.advance(60_000);

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.user.types()).containsExactly("transport-error", "terminated");
        assertThat(f.udp.sendTimes()).containsExactly(0L, 500L);
    }

    @Test
    void cancelIsBuiltFromTheInvite() {
        SipRequest invite = invite();
        InviteClientTransaction tx = start(invite, false);

        SipRequest cancel = tx.createCancel();

        // §9.1
        assertThat(cancel.getMethod()).isEqualTo(SipMethod.CANCEL);
        assertThat(cancel.getRequestUri().toString()).isEqualTo(invite.getRequestUri().toString());
        assertThat(cancel.getHeaders(HeaderName.VIA)).containsExactly(invite.getHeader(HeaderName.VIA));
        assertThat(cancel.getHeader(HeaderName.TO)).isEqualTo(invite.getHeader(HeaderName.TO));
        assertThat(cancel.getHeader(HeaderName.FROM)).isEqualTo(invite.getHeader(HeaderName.FROM));
        assertThat(cancel.getCallId()).isEqualTo(invite.getCallId());
        assertThat(cancel.getCSeq().sequence()).isEqualTo(invite.getCSeq().sequence());
        assertThat(cancel.getCSeq().method()).isEqualTo(SipMethod.CANCEL);
        assertThat(cancel.getHeaders(HeaderName.ROUTE)).containsExactly("<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>");

        // It runs in its own non-INVITE client transaction with the INVITE's branch (§17.1.3 keys on method too).
        ClientTransaction cancelTx = f.layer.sendRequest(cancel, f.udp);
        assertThat(cancelTx.kind()).isEqualTo(TransactionKind.NON_INVITE_CLIENT);
        f.layer.responseReceived(Messages.response(cancel, 200), f.udp);
        f.layer.responseReceived(Messages.response(invite, 487), f.udp);

        assertThat(f.user.ofType("response")).extracting(RecordingUser.Event::transaction).containsExactly(cancelTx, tx);
        assertThat(f.user.responseStatuses()).containsExactly(200, 487);
    }
}
