package org.sipcity.stack.core;

import java.util.concurrent.atomic.LongAdder;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.classify.KnownMethod;
import org.sipcity.stack.classify.MessageKind;

/**
 * What the stack core counted since it started, for the management model. Cheap to update from many event
 * loops at once (one {@link LongAdder} each); reads are sums, not snapshots.
 */
public final class StackCounters {

    private final LongAdder requestsReceived = new LongAdder();
    private final LongAdder responsesReceived = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();
    private final LongAdder framingErrors = new LongAdder();
    private final LongAdder malformedResponsesDropped = new LongAdder();
    private final LongAdder statelessResponsesSent = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder overloadShed = new LongAdder();
    /** Every message by its first line, before the valve and the parser: requests by method, responses by class. */
    private final LongAdder[] requestsByMethod = adders(KnownMethod.values().length);
    private final LongAdder[] responsesByClass = adders(7);
    private final LongAdder unclassifiable = new LongAdder();

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** Counts one message by its classification; costs one array index and one adder increment. */
    void classified(long classification) {
        MessageKind kind = FirstLineClassifier.kind(classification);
        if (kind == MessageKind.REQUEST) {
            requestsByMethod[FirstLineClassifier.methodId(classification)].increment();
        } else if (kind == MessageKind.RESPONSE) {
            responsesByClass[FirstLineClassifier.statusCode(classification) / 100].increment();
        } else {
            unclassifiable.increment();
        }
    }

    /** Requests whose first line named {@code method} (EXTENSION: any other method), shed or not, valid or not. */
    public long requestsByMethod(KnownMethod method) {
        return requestsByMethod[method.ordinal()].sum();
    }

    /** Responses of the class {@code statusClass} (1 for 1xx ... 6 for 6xx), shed or not, valid or not. */
    public long responsesByClass(int statusClass) {
        if (statusClass < 1 || statusClass > 6) {
            throw new IllegalArgumentException("status class must be 1 to 6: " + statusClass);
        }
        return responsesByClass[statusClass].sum();
    }

    /** Messages whose first line was incomplete or could not be a SIP start line. */
    public long unclassifiable() {
        return unclassifiable.sum();
    }

    void requestReceived() {
        requestsReceived.increment();
    }

    void responseReceived() {
        responsesReceived.increment();
    }

    void parseError() {
        parseErrors.increment();
    }

    void framingError() {
        framingErrors.increment();
    }

    void malformedResponseDropped() {
        malformedResponsesDropped.increment();
    }

    void statelessResponseSent() {
        statelessResponsesSent.increment();
    }

    void sendFailed() {
        sendFailures.increment();
    }

    void messageShed() {
        overloadShed.increment();
    }

    /** Requests that parsed, retransmissions included. */
    public long requestsReceived() {
        return requestsReceived.sum();
    }

    /** Responses that parsed, retransmissions included. */
    public long responsesReceived() {
        return responsesReceived.sum();
    }

    /** Messages whose frame was whole but whose content broke the grammar (answered 400/505/416/513 or dropped). */
    public long parseErrors() {
        return parseErrors.sum();
    }

    /** Streams whose framing was lost (bad or missing Content-Length, too large): answered if possible, closed. */
    public long framingErrors() {
        return framingErrors.sum();
    }

    /** Malformed responses, dropped without an answer as RFC 3261 §18.1.2 and RFC 4475 ask. */
    public long malformedResponsesDropped() {
        return malformedResponsesDropped.sum();
    }

    /** Messages the overload valve shed before any parse (answered with its 503 or dropped). */
    public long overloadShed() {
        return overloadShed.sum();
    }

    /** Responses sent outside any transaction: 400 for bad requests, 503 when the transaction table is full or
     *  the overload valve sheds a request. */
    public long statelessResponsesSent() {
        return statelessResponsesSent.sum();
    }

    /** Messages that could not be handed to a socket (flow closed, peer not reading, no route). */
    public long sendFailures() {
        return sendFailures.sum();
    }
}
