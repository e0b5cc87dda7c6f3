package org.sipcity.stack.core;

import java.util.concurrent.atomic.LongAdder;

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
