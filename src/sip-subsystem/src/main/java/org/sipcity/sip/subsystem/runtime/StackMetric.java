package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.sipcity.stack.classify.KnownMethod;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.TransportType;
import org.wildfly.subsystem.resource.executor.Metric;

/**
 * The runtime figures of {@code /subsystem=sip}, read from the stack's counters (sums of striped adders). The
 * {@code requests-<method>} and {@code responses-<n>xx} counters count every message received by its first line,
 * before the overload valve and the parser: shed, malformed and retransmitted ones included.
 */
public enum StackMetric implements Metric<SipStack> {
    REQUESTS_RECEIVED(Metrics.counter("requests-received"), stack -> stack.counters().requestsReceived()),
    RESPONSES_RECEIVED(Metrics.counter("responses-received"), stack -> stack.counters().responsesReceived()),
    PARSE_ERRORS(Metrics.counter("parse-errors"), stack -> stack.counters().parseErrors()),
    FRAMING_ERRORS(Metrics.counter("framing-errors"), stack -> stack.counters().framingErrors()),
    MALFORMED_RESPONSES_DROPPED(Metrics.counter("malformed-responses-dropped"), stack -> stack.counters().malformedResponsesDropped()),
    STATELESS_RESPONSES(Metrics.counter("stateless-responses"), stack -> stack.counters().statelessResponsesSent()),
    SEND_FAILURES(Metrics.counter("send-failures"), stack -> stack.counters().sendFailures()),
    ACTIVE_TRANSACTIONS(Metrics.gauge("active-transactions", null), stack -> stack.transactions().counters().activeTotal()),
    TRANSACTIONS_CREATED(Metrics.counter("transactions-created"), stack -> stack.transactions().counters().created()),
    TRANSACTIONS_TIMED_OUT(Metrics.counter("transactions-timed-out"), stack -> stack.transactions().counters().timedOut()),
    TRANSACTIONS_REFUSED(Metrics.counter("transactions-refused"), stack -> stack.transactions().counters().refused()),
    TRANSACTIONS_REFUSED_COMPLETED_MEMORY(Metrics.counter("transactions-refused-completed-memory"),
            stack -> stack.transactions().counters().refusedCompletedMemory()),
    COMPLETED_TRANSACTIONS(Metrics.gauge("completed-transactions", null), stack -> stack.transactions().completedTransactions()),
    COMPLETED_TRANSACTION_BYTES(Metrics.gauge("completed-transaction-bytes", MeasurementUnit.BYTES),
            stack -> stack.transactions().completedTransactionBytes()),
    COMPLETED_TRANSACTION_MEMORY(Metrics.gauge("completed-transaction-memory", MeasurementUnit.BYTES),
            stack -> stack.transactions().config().completedMemoryBytes()),
    COMPLETED_RELEASED_EARLY(Metrics.counter("completed-released-early"),
            stack -> stack.transactions().completedReleasedEarly()),
    COMPLETED_RELEASED_BEFORE_T4(Metrics.counter("completed-released-before-t4"),
            stack -> stack.transactions().completedReleasedBeforeT4()),
    RETRANSMISSIONS(Metrics.counter("retransmissions"), stack -> stack.transactions().counters().retransmissions()),
    REQUESTS_INVITE(requests(KnownMethod.INVITE)),
    REQUESTS_ACK(requests(KnownMethod.ACK)),
    REQUESTS_BYE(requests(KnownMethod.BYE)),
    REQUESTS_CANCEL(requests(KnownMethod.CANCEL)),
    REQUESTS_REGISTER(requests(KnownMethod.REGISTER)),
    REQUESTS_OPTIONS(requests(KnownMethod.OPTIONS)),
    REQUESTS_PRACK(requests(KnownMethod.PRACK)),
    REQUESTS_SUBSCRIBE(requests(KnownMethod.SUBSCRIBE)),
    REQUESTS_NOTIFY(requests(KnownMethod.NOTIFY)),
    REQUESTS_PUBLISH(requests(KnownMethod.PUBLISH)),
    REQUESTS_INFO(requests(KnownMethod.INFO)),
    REQUESTS_REFER(requests(KnownMethod.REFER)),
    REQUESTS_MESSAGE(requests(KnownMethod.MESSAGE)),
    REQUESTS_UPDATE(requests(KnownMethod.UPDATE)),
    /** Every other method. */
    REQUESTS_OTHER(Metrics.counter("requests-other"), stack -> stack.counters().requestsByMethod(KnownMethod.EXTENSION)),
    RESPONSES_1XX(responses(1)),
    RESPONSES_2XX(responses(2)),
    RESPONSES_3XX(responses(3)),
    RESPONSES_4XX(responses(4)),
    RESPONSES_5XX(responses(5)),
    RESPONSES_6XX(responses(6)),
    UNCLASSIFIABLE_MESSAGES(Metrics.counter("unclassifiable-messages"), stack -> stack.counters().unclassifiable()),
    OPEN_FLOWS_UDP(openFlows(TransportType.UDP)),
    OPEN_FLOWS_TCP(openFlows(TransportType.TCP)),
    OPEN_FLOWS_TLS(openFlows(TransportType.TLS)),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipStack> reader;

    StackMetric(AttributeDefinition definition, ToLongFunction<SipStack> reader) {
        this.definition = definition;
        this.reader = reader;
    }

    StackMetric(StackMetric.Counted counted) {
        this(counted.definition(), counted.reader());
    }

    private record Counted(AttributeDefinition definition, ToLongFunction<SipStack> reader) {
    }

    private static Counted requests(KnownMethod method) {
        return new Counted(Metrics.counter("requests-" + method.name().toLowerCase(java.util.Locale.ROOT)),
                stack -> stack.counters().requestsByMethod(method));
    }

    /** Connections (UDP: remote addresses) open now over every connector of one transport. */
    private static Counted openFlows(TransportType transport) {
        return new Counted(Metrics.gauge("open-flows-" + transport.name().toLowerCase(java.util.Locale.ROOT), null), stack -> {
            long open = 0;
            for (SipConnector connector : stack.transports().connectors()) {
                if (connector.transport() == transport) {
                    open += connector.openConnections();
                }
            }
            return open;
        });
    }

    private static Counted responses(int statusClass) {
        return new Counted(Metrics.counter("responses-" + statusClass + "xx"),
                stack -> stack.counters().responsesByClass(statusClass));
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
