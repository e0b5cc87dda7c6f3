package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls through a stateful proxy against the transaction bounds: an INVITE answered 2xx leaves an INVITE server
 * transaction in Accepted for Timer L and an INVITE client transaction for Timer M (RFC 6026), both 32 s. Neither may
 * hold a slot of the live-transaction count; both are charged against the completed memory.
 */
class AcceptedCallsTest {

    private static SipRequest invite(int n) {
        return Messages.request(SipMethod.INVITE, "z9hG4bKcall" + n);
    }

    /** A proxy's two transactions for one call: the INVITE in, forwarded out, 200 back and relayed. */
    private static void call(Fixture f, int n) {
        SipRequest incoming = invite(n);
        assertThat(f.layer.requestReceived(incoming, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        ServerTransaction server = (ServerTransaction) f.user.ofType("request").get(f.user.ofType("request").size() - 1)
                .transaction();
        SipRequest outgoing = Messages.request(SipMethod.INVITE, f.layer.newBranch());
        f.layer.sendRequest(outgoing, f.tcp);
        f.layer.responseReceived(Messages.response(outgoing, 200), f.tcp);
        assertThat(server.sendResponse(Messages.response(incoming, 200))).isTrue();
    }

    /** The charge of one call: the server's lean entry (key only) and the accepted client transaction. */
    private static long callBytes(int n) {
        return CompletedEntries.ENTRY_BYTES + KeyStrings.bytes("z9hG4bKcall" + n) + KeyStrings.bytes("pc33.atlanta.example.com")
                + CompletedEntries.ACCEPTED_CLIENT_BYTES;
    }

    @Test
    void answeredCallsHoldNoSlotOfTheLiveCount() {
        // Two slots: one call in progress at a time needs both, so before this change the second call was refused.
        Fixture f = new Fixture(TransactionConfig.builder().maxLiveTransactions(2).build());

        for (int n = 0; n < 50; n++) {
            f.advanceTo(n * 100L);
            call(f, n);
        }

        assertThat(f.layer.liveTransactions()).isZero();
        assertThat(f.layer.counters().refused()).isZero();
        assertThat(f.layer.completedTransactions()).as("50 INVITE server transactions in Accepted").isEqualTo(50);
        assertThat(f.layer.acceptedClientTransactions()).isEqualTo(50);
        long charged = 0;
        for (int n = 0; n < 50; n++) {
            charged += callBytes(n);
        }
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
        long budget = 3 * callBytes(0);
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
        assertThat(f.layer.acceptedClientTransactions()).as("client transactions wait for Timer M, never released early")
                .isEqualTo(3);
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
