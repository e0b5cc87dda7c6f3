package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.dmr.ModelNode;
import org.sipcity.stack.core.SipStack;
import org.wildfly.subsystem.resource.executor.Metric;

/** The runtime figures of {@code /subsystem=sip}, read from the stack's counters (sums of striped adders). */
public enum StackMetric implements Metric<SipStack> {
    REQUESTS_RECEIVED("requests-received", stack -> stack.counters().requestsReceived()),
    RESPONSES_RECEIVED("responses-received", stack -> stack.counters().responsesReceived()),
    PARSE_ERRORS("parse-errors", stack -> stack.counters().parseErrors()),
    FRAMING_ERRORS("framing-errors", stack -> stack.counters().framingErrors()),
    MALFORMED_RESPONSES_DROPPED("malformed-responses-dropped", stack -> stack.counters().malformedResponsesDropped()),
    STATELESS_RESPONSES("stateless-responses", stack -> stack.counters().statelessResponsesSent()),
    SEND_FAILURES("send-failures", stack -> stack.counters().sendFailures()),
    ACTIVE_TRANSACTIONS("active-transactions", stack -> stack.transactions().counters().activeTotal()),
    TRANSACTIONS_CREATED("transactions-created", stack -> stack.transactions().counters().created()),
    TRANSACTIONS_TIMED_OUT("transactions-timed-out", stack -> stack.transactions().counters().timedOut()),
    TRANSACTIONS_REFUSED("transactions-refused", stack -> stack.transactions().counters().refused()),
    RETRANSMISSIONS("retransmissions", stack -> stack.transactions().counters().retransmissions()),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipStack> reader;

    StackMetric(String name, ToLongFunction<SipStack> reader) {
        this.definition = Metrics.counter(name, null);
        this.reader = reader;
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public ModelNode execute(SipStack stack) {
        return new ModelNode(reader.applyAsLong(stack));
    }
}
