package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The live-transaction bound and the counters. */
class TransactionLimitTest {

    private final Fixture f = new Fixture(TransactionConfig.builder().maxLiveTransactions(3).build());

    private RequestDisposition register(int n) {
        return f.layer.requestReceived(Messages.request(SipMethod.REGISTER, "z9hG4bKreg" + n), f.tcp);
    }

    @Test
    void newServerTransactionsBeyondTheLimitAreRefused() {
        assertThat(register(1)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(register(2)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(register(3)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        assertThat(register(4)).isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
        assertThat(f.user.ofType("request")).hasSize(3);
        assertThat(f.layer.counters().refused()).isEqualTo(1);
        assertThat(f.layer.counters().refusedCompletedMemory()).as("the live limit, not the completed memory").isZero();

        // Retransmissions of live transactions are still absorbed.
        assertThat(register(2)).isEqualTo(RequestDisposition.ABSORBED);
        // And ACKs never need a slot.
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bKinv");
        assertThat(f.layer.requestReceived(Messages.ackFor(invite, Messages.response(invite, 200)), f.tcp))
                .isEqualTo(RequestDisposition.ACK_PASSED_UP);
    }

    @Test
    void aSlotIsFreedWhenATransactionTerminates() {
        register(1);
        register(2);
        register(3);
        ServerTransaction first = (ServerTransaction) f.user.events.get(0).transaction();

        first.sendResponse(Messages.response(first.request(), 200));

        assertThat(f.layer.liveTransactions()).isEqualTo(2);
        assertThat(register(4)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void clientTransactionsCountButAreNotRefused() {
        register(1);
        register(2);
        register(3);

        ClientTransaction forwarded = f.layer.sendRequest(Messages.request(SipMethod.REGISTER, f.layer.newBranch()), f.tcp);

        assertThat(forwarded.state()).isEqualTo(TransactionState.TRYING);
        assertThat(f.layer.liveTransactions()).isEqualTo(4);
        assertThat(register(5)).isEqualTo(RequestDisposition.REFUSED_OVERLOAD);
    }

    @Test
    void countersFollowTheLifeOfTransactions() {
        Fixture g = new Fixture();
        SipRequest invite = Messages.request(SipMethod.INVITE, g.layer.newBranch());
        SipRequest options = Messages.request(SipMethod.OPTIONS, g.layer.newBranch());
        g.layer.sendRequest(invite, g.udp);
        g.layer.sendRequest(options, g.udp);
        g.layer.requestReceived(Messages.request(SipMethod.INVITE, "z9hG4bKin"), g.udp);
        g.layer.requestReceived(Messages.request(SipMethod.BYE, "z9hG4bKbye"), g.udp);

        TransactionCounters counters = g.layer.counters();
        assertThat(counters.active(TransactionKind.INVITE_CLIENT)).isEqualTo(1);
        assertThat(counters.active(TransactionKind.NON_INVITE_CLIENT)).isEqualTo(1);
        assertThat(counters.active(TransactionKind.INVITE_SERVER)).isEqualTo(1);
        assertThat(counters.active(TransactionKind.NON_INVITE_SERVER)).isEqualTo(1);
        assertThat(counters.created()).isEqualTo(4);

        g.advance(40_000);

        assertThat(counters.active(TransactionKind.INVITE_CLIENT)).isZero();
        assertThat(counters.active(TransactionKind.NON_INVITE_CLIENT)).isZero();
        assertThat(counters.timedOut()).as("Timer B and F").isGreaterThanOrEqualTo(2);
        assertThat(counters.retransmissions()).isPositive();
        assertThat(counters.toString()).contains("created=4");
    }
}
