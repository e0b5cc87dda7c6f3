package org.sipcity.testing;

import java.util.function.Consumer;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transport.TransportType;

/**
 * A request the client received (the UAS side), answered through its server transaction. All responses carry
 * the same To tag (RFC 3261 §8.2.6.2). An ACK has no transaction and is not answered.
 */
public final class IncomingRequest {

    private final SipTestClient client;
    private final ServerTransaction transaction;
    private final SipRequest request;
    private final String toTag = Messages.randomToken();
    private Dialog dialog;

    IncomingRequest(SipTestClient client, ServerTransaction transaction, SipRequest request) {
        this.client = client;
        this.transaction = transaction;
        this.request = request;
    }

    public SipRequest request() {
        return request;
    }

    /** The method name, e.g. {@code INVITE}. */
    public String method() {
        return request.getMethod().name();
    }

    /** Sends a response with the standard reason phrase and returns it. */
    public SipResponse respond(int status) {
        return respond(status, response -> {
        });
    }

    /**
     * Sends a response, after {@code customizer} has added its headers or body. For INVITE, a 101-299 response
     * gets our Contact and the request's Record-Route headers unless the customizer set them (§12.1.1).
     *
     * @throws IllegalStateException for an ACK, or when the transaction takes no more responses (a final one was
     *                               sent, or it ended)
     */
    public synchronized SipResponse respond(int status, Consumer<SipResponse> customizer) {
        if (transaction == null) {
            throw new IllegalStateException("An ACK is never answered (RFC 3261 §17.1.1.1)");
        }
        SipResponse response = request.createResponse(status);
        if (status > 100 && response.getToTag() == null) {
            response.setToTag(toTag);
        }
        if (request.getMethod() == SipMethod.INVITE && status > 100 && status < 300) {
            response.setHeader(HeaderName.CONTACT, "<" + client.contactUri(transport()) + ">");
            for (String recordRoute : request.getHeaders(HeaderName.RECORD_ROUTE)) {
                response.addHeader(HeaderName.RECORD_ROUTE, recordRoute);
            }
        }
        response.setBody(new byte[0], null);
        customizer.accept(response);
        if (!transaction.sendResponse(response)) {
            throw new IllegalStateException("The transaction of " + Messages.summary(request)
                    + " takes no more responses (state " + transaction.state() + ")");
        }
        if (request.getMethod() == SipMethod.INVITE && status >= 200 && status < 300 && dialog == null) {
            dialog = Dialog.asCallee(client, request, response, transport());
        }
        return response;
    }

    /** Answers with {@code status} unless a final response was sent already (used for 487 after CANCEL). */
    synchronized void respondIfUnanswered(int status) {
        SipResponse last = transaction == null ? null : transaction.lastResponse();
        if (transaction != null && (last == null || last.getStatus() < 200) && !transaction.isTerminated()) {
            transaction.sendResponse(createFinal(status));
        }
    }

    private SipResponse createFinal(int status) {
        SipResponse response = request.createResponse(status);
        response.setToTag(toTag);
        return response;
    }

    /** The dialog our 2xx to this INVITE created (§12.1.1). */
    public synchronized Dialog dialog() {
        if (dialog == null) {
            throw new IllegalStateException("No dialog: " + Messages.summary(request) + " was not answered 2xx");
        }
        return dialog;
    }

    /** The transport the request came over, read from its top Via. */
    public TransportType transport() {
        TransportType type = TransportType.fromToken(request.getTopVia().transport());
        return type != null ? type : client.defaultTransport();
    }

    @Override
    public String toString() {
        return Messages.summary(request);
    }
}
