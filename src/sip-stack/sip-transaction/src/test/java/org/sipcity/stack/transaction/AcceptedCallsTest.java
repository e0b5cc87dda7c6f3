package org.sipcity.stack.transaction;

import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls through a stateful proxy against the transaction bounds: an INVITE answered 2xx leaves an INVITE server
 * transaction in Accepted for Timer L and an INVITE client transaction for Timer M (RFC 6026), both 32 s. Neither may
 * hold a slot of the live-transaction count; both are lean entries charged against the completed memory, and neither
 * keeps its request or what the TU let go of.
 */
class AcceptedCallsTest {

    private static SipRequest invite(int n) {
        return Messages.request(SipMethod.INVITE, "z9hG4bKcall" + n);
    }

    /** A proxy's two transactions for one call: the INVITE in, forwarded out, 200 back and relayed; the client branch. */
    private static String call(Fixture f, int n) {
        SipRequest incoming = invite(n);
        assertThat(f.layer.requestReceived(incoming, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        ServerTransaction server = (ServerTransaction) f.user.ofType("request").get(f.user.ofType("request").size() - 1)
                .transaction();
        String branch = f.layer.newBranch();
        SipRequest outgoing = Messages.request(SipMethod.INVITE, branch);
        f.layer.sendRequest(outgoing, f.tcp);
        f.layer.responseReceived(Messages.response(outgoing, 200), f.tcp);
        assertThat(server.sendResponse(Messages.response(incoming, 200))).isTrue();
        return branch;
    }

    /** The charge of one call: the server's lean entry (key only) and the client's (key and the TU's attachment). */
    private static long callBytes(int n, String clientBranch) {
        return CompletedEntries.ENTRY_BYTES + KeyStrings.bytes("z9hG4bKcall" + n) + KeyStrings.bytes("pc33.atlanta.example.com")
                + CompletedEntries.ENTRY_BYTES + KeyStrings.bytes(clientBranch) + CompletedEntries.ACCEPTED_CLIENT_RETAINED_BYTES;
    }

    @Test
    void answeredCallsHoldNoSlotOfTheLiveCount() {
        // Two slots: one call in progress at a time needs both, so before this change the second call was refused.
        Fixture f = new Fixture(TransactionConfig.builder().maxLiveTransactions(2).build());

        long charged = 0;
        for (int n = 0; n < 50; n++) {
            f.advanceTo(n * 100L);
            charged += callBytes(n, call(f, n));
        }

        assertThat(f.layer.liveTransactions()).isZero();
        assertThat(f.layer.counters().refused()).isZero();
        assertThat(f.layer.completedTransactions()).as("50 INVITE server transactions in Accepted").isEqualTo(50);
        assertThat(f.layer.acceptedClientTransactions()).isEqualTo(50);
        assertThat(f.layer.completedTransactionBytes()).isEqualTo(charged);
        // Every one still absorbs its INVITE's retransmissions.
        assertThat(f.layer.requestReceived(invite(0), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.user.ofType("request")).hasSize(50);

        f.advanceTo(49 * 100L + 32_000);
        assertThat(f.layer.completedTransactions()).isZero();
        assertThat(f.layer.acceptedClientTransactions()).isZero();
        assertThat(f.layer.completedTransactionBytes()).isZero();
        assertThat(f.timer.pendingTasks()).isZero();
    }

    @Test
    void aFullBudgetRefusesNewCallsUntilTheOldestHaveAbsorbedForT4() {
        long budget = 3 * callBytes(0, BranchGenerator.newBranch());
        Fixture f = new Fixture(TransactionConfig.builder().completedMemoryBytes(budget).build());
        for (int n = 0; n < 3; n++) {
            call(f, n);
        }

        f.advanceTo(4_999);
        assertThat(f.layer.requestReceived(invite(3), f.udp)).isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
        assertThat(f.layer.requestReceived(invite(1), f.udp)).as("retransmissions are still absorbed")
                .isEqualTo(RequestDisposition.ABSORBED);

        f.advanceTo(5_000);
        assertThat(f.layer.requestReceived(invite(3), f.udp)).as("the oldest entries have absorbed for T4")
                .isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.completedReleasedEarly()).isPositive();
        assertThat(f.layer.completedTransactionBytes()).isLessThanOrEqualTo(budget);
    }

    @Test
    void anAcceptedCallKeepsNeitherRequestNorWhatTheTuLetGoOf() throws InterruptedException {
        // Before: the client transaction stayed whole in the table for Timer M, with its INVITE and the TU's attachment
        // (in the container a branch request holding the proxy, the received INVITE and the sessions).
        Fixture f = new Fixture();
        Object upstream = "where further 2xx go";
        f.user.onResponse = (tx, response) -> tx.attach(upstream);   // what a proxy keeps for Accepted
        SipRequest incoming = invite(1);
        f.layer.requestReceived(incoming, f.udp);
        ServerTransaction server = (ServerTransaction) f.user.events.get(0).transaction();
        String branch = f.layer.newBranch();
        SipRequest outgoing = Messages.request(SipMethod.INVITE, branch);
        ClientTransaction client = f.layer.sendRequest(outgoing, f.tcp);
        client.attach(new Object());   // the TU's state of the call, let go of at the 2xx
        WeakReference<Object> callState = new WeakReference<>(client.attachment());
        f.layer.responseReceived(Messages.response(outgoing, 200), f.tcp);
        server.sendResponse(Messages.response(incoming, 200));
        WeakReference<SipRequest> sentInvite = new WeakReference<>(outgoing);
        WeakReference<ClientTransaction> clientObject = new WeakReference<>(client);
        WeakReference<SipRequest> receivedInvite = new WeakReference<>(incoming);
        // The TU lets go of the call; the recorded events and the channels' logs are the test's, not the layer's.
        f.user.events.clear();
        f.udp.clear();
        f.tcp.clear();
        outgoing = null;
        incoming = null;
        client = null;
        server = null;
        f.timer.pendingTasks();   // drops the cancelled timers, as the wheel does on its next tick

        for (int i = 0; i < 50 && (sentInvite.get() != null || callState.get() != null || receivedInvite.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }

        assertThat(f.layer.acceptedClientTransactions()).isEqualTo(1);
        assertThat(clientObject.get()).as("the client transaction object").isNull();
        assertThat(sentInvite.get()).as("the INVITE sent").isNull();
        assertThat(callState.get()).as("the TU's state it let go of").isNull();
        assertThat(receivedInvite.get()).as("the INVITE received").isNull();
        // A further 2xx still goes up, with what the TU kept.
        f.layer.responseReceived(Messages.response(Messages.request(SipMethod.INVITE, branch), 200), f.tcp);
        assertThat(f.user.ofType("accepted-response")).extracting(RecordingUser.Event::detail).containsExactly(upstream);
    }

    @Test
    void anInviteAnsweredWithAnErrorStaysAWholeTransactionUntilItsAck() {
        Fixture f = new Fixture();
        f.layer.requestReceived(invite(1), f.udp);
        ServerTransaction server = (ServerTransaction) f.user.events.get(0).transaction();
        SipResponse busy = Messages.response(invite(1), 486);

        server.sendResponse(busy);

        assertThat(f.layer.liveTransactions()).as("Completed retransmits the 486 until the ACK (Timer G)").isEqualTo(1);
        assertThat(f.layer.completedTransactions()).isZero();
        f.layer.requestReceived(Messages.ackFor(invite(1), busy), f.udp);
        assertThat(server.state()).isEqualTo(TransactionState.CONFIRMED);
    }
}
