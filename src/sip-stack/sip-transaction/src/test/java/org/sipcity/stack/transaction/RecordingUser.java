package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A {@link TransactionUser} that records every callback in order, and fails the test if a callback
 * comes while the transaction's monitor is held (the layer promises it never does).
 */
final class RecordingUser implements TransactionUser {

    /** One callback: its name, the transaction (if any), the message (if any), extra detail. */
    record Event(String type, Transaction transaction, Object message, Object detail) {
    }

    final List<Event> events = new ArrayList<>();

    private void record(String type, Transaction transaction, Object message, Object detail) {
        if (transaction != null && Thread.holdsLock(transaction)) {
            throw new AssertionError(type + " callback made under the monitor of " + transaction);
        }
        events.add(new Event(type, transaction, message, detail));
    }

    /** What the TU does with a new request, e.g. answer it at once; nothing by default. */
    BiConsumer<ServerTransaction, SipRequest> onRequest = (tx, request) -> { };

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        record("request", transaction, request, null);
        onRequest.accept(transaction, request);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        record("cancel", transaction, cancel, target);
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        record("ack", accepted, ack, channel);
    }

    /** What the TU does with a response, e.g. attach what it keeps for Accepted; nothing by default. */
    BiConsumer<ClientTransaction, SipResponse> onResponse = (tx, response) -> { };

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        record("response", transaction, response, response.getStatus());
        onResponse.accept(transaction, response);
    }

    /** Recorded with the attachment the layer kept as its detail. */
    @Override
    public void acceptedResponseReceived(SipResponse response, Object attachment, TransactionChannel channel) {
        record("accepted-response", null, response, attachment);
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        record("stray-response", null, response, channel);
    }

    @Override
    public void timeout(Transaction transaction) {
        record("timeout", transaction, null, null);
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        record("transport-error", transaction, null, cause);
    }

    @Override
    public void transactionTerminated(Transaction transaction) {
        record("terminated", transaction, null, null);
    }

    List<String> types() {
        return events.stream().map(Event::type).toList();
    }

    List<Event> ofType(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    List<Integer> responseStatuses() {
        return ofType("response").stream().map(e -> (Integer) e.detail()).toList();
    }
}
