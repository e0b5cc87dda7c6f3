package org.sipcity.stack.transaction;

import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A {@link TransactionUser} that records every callback in order. */
final class RecordingUser implements TransactionUser {

    /** One callback: its name, the transaction (if any), the message (if any), extra detail. */
    record Event(String type, Transaction transaction, Object message, Object detail) {
    }

    final List<Event> events = new ArrayList<>();
    /** What the TU does with a new request, e.g. answer it at once; nothing by default. */
    BiConsumer<ServerTransaction, SipRequest> onRequest = (tx, request) -> { };

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        events.add(new Event("request", transaction, request, null));
        onRequest.accept(transaction, request);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        events.add(new Event("cancel", transaction, cancel, target));
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        events.add(new Event("ack", accepted, ack, channel));
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        events.add(new Event("response", transaction, response, response.getStatus()));
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        events.add(new Event("stray-response", null, response, channel));
    }

    @Override
    public void timeout(Transaction transaction) {
        events.add(new Event("timeout", transaction, null, null));
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        events.add(new Event("transport-error", transaction, null, cause));
    }

    @Override
    public void transactionTerminated(Transaction transaction) {
        events.add(new Event("terminated", transaction, null, null));
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
