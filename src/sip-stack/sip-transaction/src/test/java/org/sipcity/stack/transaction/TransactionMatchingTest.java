package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Matching of responses (§17.1.3), requests (§17.2.3, with the RFC 2543 fallback) and CANCEL (§9.2). */
class TransactionMatchingTest {

    private final Fixture f = new Fixture();

    // ---- responses -----------------------------------------------------------------------------

    @Test
    void responseMatchesByBranchAndCSeqMethod() {
        String branch = f.layer.newBranch();
        SipRequest invite = Messages.request(SipMethod.INVITE, branch);
        ClientTransaction inviteTx = f.layer.sendRequest(invite, f.udp);
        SipRequest cancel = ((InviteClientTransaction) inviteTx).createCancel();
        ClientTransaction cancelTx = f.layer.sendRequest(cancel, f.udp);

        f.layer.responseReceived(Messages.response(invite, 180), f.udp);
        f.layer.responseReceived(Messages.response(cancel, 200), f.udp);

        assertThat(f.user.ofType("response")).extracting(RecordingUser.Event::transaction)
                .containsExactly(inviteTx, cancelTx);
    }

    @Test
    void responseWithAnotherBranchIsStrayAndPassedUpUnchanged() {
        f.layer.sendRequest(Messages.request(SipMethod.INVITE, f.layer.newBranch()), f.udp);
        SipResponse other = Messages.response(Messages.request(SipMethod.INVITE, f.layer.newBranch()), 200);

        f.layer.responseReceived(other, f.tcp);

        RecordingUser.Event stray = f.user.ofType("stray-response").get(0);
        assertThat(stray.message()).isSameAs(other);
        assertThat(stray.detail()).isSameAs(f.tcp);
        assertThat(f.layer.counters().strayResponses()).isEqualTo(1);
    }

    @Test
    void responseAfterTheTransactionEndedIsStray() {
        SipRequest options = Messages.request(SipMethod.OPTIONS, f.layer.newBranch());
        f.layer.sendRequest(options, f.tcp);
        f.layer.responseReceived(Messages.response(options, 200), f.tcp);

        f.layer.responseReceived(Messages.response(options, 200), f.tcp);

        assertThat(f.user.types()).containsExactly("response", "terminated", "stray-response");
    }

    @Test
    void responseWithoutViaIsDroppedAndCounted() {
        SipResponse response = Messages.response(Messages.request(SipMethod.OPTIONS, f.layer.newBranch()), 200);
        response.removeHeader(HeaderName.VIA);

        f.layer.responseReceived(response, f.udp);

        assertThat(f.user.events).isEmpty();
        assertThat(f.layer.counters().invalid()).isEqualTo(1);
    }

    // ---- requests, RFC 3261 branches --------------------------------------------------------

    @Test
    void sameBranchFromAnotherSentByIsAnotherTransaction() {
        SipRequest fromAlice = Messages.request(SipMethod.REGISTER, "z9hG4bKsame", "pc33.atlanta.example.com", 5060, 1);
        SipRequest fromCarol = Messages.request(SipMethod.REGISTER, "z9hG4bKsame", "pc44.chicago.example.com", 5060, 1);
        SipRequest otherPort = Messages.request(SipMethod.REGISTER, "z9hG4bKsame", "pc33.atlanta.example.com", 5062, 1);
        SipRequest upperCaseHost = Messages.request(SipMethod.REGISTER, "z9hG4bKsame", "PC33.Atlanta.Example.COM", 5060, 1);

        assertThat(f.layer.requestReceived(fromAlice, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.requestReceived(fromCarol, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.requestReceived(otherPort, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.requestReceived(upperCaseHost, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.counters().active(TransactionKind.NON_INVITE_SERVER)).isEqualTo(3);
    }

    @Test
    void sameBranchWithAnotherMethodIsAnotherTransaction() {
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bKsame");
        SipRequest options = Messages.request(SipMethod.OPTIONS, "z9hG4bKsame");

        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        assertThat(f.layer.requestReceived(options, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
    }

    @Test
    void ackForA2xxCarriesANewBranchAndGoesToTheTuUnchanged() {
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bKinv1");
        f.user.onRequest = (tx, request) -> tx.sendResponse(Messages.response(request, 200));
        f.layer.requestReceived(invite, f.udp);
        SipRequest ack = Messages.ackFor(invite, Messages.response(invite, 200));
        ack.setHeader(HeaderName.VIA, "SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bKack2");

        assertThat(f.layer.requestReceived(ack, f.udp)).isEqualTo(RequestDisposition.ACK_PASSED_UP);

        RecordingUser.Event event = f.user.ofType("ack").get(0);
        assertThat(event.message()).isSameAs(ack);
        assertThat(event.transaction()).isNull();
        assertThat(f.layer.counters().strayAcks()).isEqualTo(1);
    }

    @Test
    void requestWhoseCSeqMethodDiffersIsInvalid() {
        SipRequest request = Messages.request(SipMethod.OPTIONS, "z9hG4bKx");
        request.setHeader(HeaderName.CSEQ, "1 INVITE");

        assertThat(f.layer.requestReceived(request, f.udp)).isEqualTo(RequestDisposition.INVALID);
        assertThat(f.user.events).isEmpty();
        assertThat(f.layer.liveTransactions()).isZero();
    }

    @Test
    void requestWithoutViaIsInvalid() {
        SipRequest request = Messages.request(SipMethod.OPTIONS, "z9hG4bKx");
        request.removeHeader(HeaderName.VIA);

        assertThat(f.layer.requestReceived(request, f.udp)).isEqualTo(RequestDisposition.INVALID);
        assertThat(f.layer.counters().invalid()).isEqualTo(1);
    }

    // ---- CANCEL ---------------------------------------------------------------------------------

    @Test
    void cancelFindsTheInviteItTargets() {
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bK74bf9");
        f.layer.requestReceived(invite, f.udp);
        InviteServerTransaction inviteTx = (InviteServerTransaction) f.user.events.get(0).transaction();
        SipRequest cancel = Messages.cancelFor(invite);

        assertThat(f.layer.requestReceived(cancel, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        RecordingUser.Event event = f.user.ofType("cancel").get(0);
        assertThat(event.detail()).isSameAs(inviteTx);
        ServerTransaction cancelTx = (ServerTransaction) event.transaction();
        assertThat(cancelTx.kind()).isEqualTo(TransactionKind.NON_INVITE_SERVER);
        assertThat(cancelTx).isNotSameAs(inviteTx);
        assertThat(f.layer.findCancelTarget(cancel)).isSameAs(inviteTx);

        // A retransmitted CANCEL belongs to the CANCEL's own transaction.
        assertThat(f.layer.requestReceived(cancel, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
    }

    @Test
    void cancelWithoutItsInviteHasNoTarget() {
        SipRequest cancel = Messages.cancelFor(Messages.request(SipMethod.INVITE, "z9hG4bKnone"));

        assertThat(f.layer.requestReceived(cancel, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        assertThat(f.user.ofType("cancel").get(0).detail()).isNull();
    }

    @Test
    void cancelFromAnotherSentByDoesNotMatch() {
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bK74bf9");
        f.layer.requestReceived(invite, f.udp);
        SipRequest cancel = Messages.cancelFor(invite);
        cancel.setHeader(HeaderName.VIA, "SIP/2.0/UDP evil.example.com:5060;branch=z9hG4bK74bf9");

        f.layer.requestReceived(cancel, f.udp);

        assertThat(f.user.ofType("cancel").get(0).detail()).isNull();
    }

    @Test
    void cancelAfterTheInviteEndedHasNoTarget() {
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bK74bf9");
        f.user.onRequest = (tx, request) -> {
            if (request.getMethod().equals(SipMethod.INVITE)) {
                tx.sendResponse(Messages.response(request, 200));
            }
        };
        f.layer.requestReceived(invite, f.tcp);
        f.advance(32_000);

        f.layer.requestReceived(Messages.cancelFor(invite), f.tcp);

        assertThat(f.user.ofType("cancel").get(0).detail()).isNull();
    }

    // ---- RFC 2543 fallback ----------------------------------------------------------------------

    private static SipRequest legacy(SipMethod method) {
        // No magic cookie: an RFC 2543 peer.
        return Messages.request(method, "7a6b5c4d", "old.example.com", 5060, 7);
    }

    @Test
    void legacyRetransmissionMatchesOnRequestUriTagsCallIdCSeqAndVia() {
        SipRequest invite = legacy(SipMethod.INVITE);
        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        assertThat(f.layer.requestReceived(legacy(SipMethod.INVITE), f.udp)).isEqualTo(RequestDisposition.ABSORBED);

        SipRequest otherCSeq = Messages.request(SipMethod.INVITE, "7a6b5c4d", "old.example.com", 5060, 8);
        assertThat(f.layer.requestReceived(otherCSeq, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        SipRequest otherFromTag = legacy(SipMethod.INVITE);
        otherFromTag.setHeader(HeaderName.FROM, "Alice <sip:alice@atlanta.example.com>;tag=99");
        assertThat(f.layer.requestReceived(otherFromTag, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        SipRequest otherUri = legacy(SipMethod.INVITE);
        otherUri.setRequestUri(Messages.uri("sip:carol@chicago.example.com"));
        assertThat(f.layer.requestReceived(otherUri, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        SipRequest otherToTag = legacy(SipMethod.INVITE);
        otherToTag.setHeader(HeaderName.TO, Messages.TO + ";tag=inDialog");
        assertThat(f.layer.requestReceived(otherToTag, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        SipRequest otherCallId = legacy(SipMethod.INVITE);
        otherCallId.setHeader(HeaderName.CALL_ID, "another-call@old.example.com");
        assertThat(f.layer.requestReceived(otherCallId, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        assertThat(f.user.ofType("request")).hasSize(6);
    }

    @Test
    void legacyAckMatchesWithTheToTagOfTheResponse() {
        SipRequest invite = legacy(SipMethod.INVITE);
        f.layer.requestReceived(invite, f.udp);
        InviteServerTransaction tx = (InviteServerTransaction) f.user.events.get(0).transaction();
        SipResponse busy = Messages.response(invite, 486);
        tx.sendResponse(busy);

        SipRequest wrongTag = Messages.ackFor(invite, busy);
        wrongTag.setHeader(HeaderName.TO, Messages.TO + ";tag=other");
        assertThat(f.layer.requestReceived(wrongTag, f.udp)).isEqualTo(RequestDisposition.ACK_PASSED_UP);
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        assertThat(f.layer.requestReceived(Messages.ackFor(invite, busy), f.udp)).isEqualTo(RequestDisposition.ACK_CONSUMED);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);

        f.advance(5000);
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(f.layer.liveTransactions()).isZero();
        // Both keys left the table: the same ACK now finds nothing.
        assertThat(f.layer.requestReceived(Messages.ackFor(invite, busy), f.udp)).isEqualTo(RequestDisposition.ACK_PASSED_UP);
    }

    @Test
    void legacyCancelMatchesItsInvite() {
        SipRequest invite = legacy(SipMethod.INVITE);
        f.layer.requestReceived(invite, f.udp);
        InviteServerTransaction tx = (InviteServerTransaction) f.user.events.get(0).transaction();

        f.layer.requestReceived(Messages.cancelFor(invite), f.udp);

        assertThat(f.user.ofType("cancel").get(0).detail()).isSameAs(tx);
    }

    // ---- client side misuse ----------------------------------------------------------------------

    @Test
    void ackIsNotSentInAClientTransaction() {
        SipRequest invite = Messages.request(SipMethod.INVITE, f.layer.newBranch());
        SipRequest ack = Messages.ackFor(invite, Messages.response(invite, 200));

        assertThatThrownBy(() -> f.layer.sendRequest(ack, f.udp)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void branchOfALiveClientTransactionCannotBeReused() {
        String branch = f.layer.newBranch();
        f.layer.sendRequest(Messages.request(SipMethod.OPTIONS, branch), f.udp);

        assertThatThrownBy(() -> f.layer.sendRequest(Messages.request(SipMethod.OPTIONS, branch), f.udp))
                .isInstanceOf(IllegalStateException.class);
        assertThat(f.layer.liveTransactions()).isEqualTo(1);
    }
}
