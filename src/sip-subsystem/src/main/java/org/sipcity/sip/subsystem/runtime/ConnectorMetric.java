package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.TransportMetrics;
import org.wildfly.subsystem.resource.executor.Metric;

/** The runtime figures of {@code /subsystem=sip/connector=*}, read from the connector's transport metrics. */
public enum ConnectorMetric implements Metric<SipConnector> {
    OPEN_CONNECTIONS(Metrics.gauge("open-connections", null), SipConnector::openConnections),
    MESSAGES_IN_PER_SECOND(Metrics.gauge("messages-in-per-second", null), metrics(TransportMetrics::messagesInPerSecond)),
    MESSAGES_OUT_PER_SECOND(Metrics.gauge("messages-out-per-second", null), metrics(TransportMetrics::messagesOutPerSecond)),
    ACCEPTED_CONNECTIONS(Metrics.counter("accepted-connections"), metrics(TransportMetrics::acceptedConnections)),
    OUTBOUND_CONNECTIONS(Metrics.counter("outbound-connections"), metrics(TransportMetrics::outboundConnections)),
    REFUSED_CONNECTIONS(Metrics.counter("refused-connections"), metrics(TransportMetrics::refusedConnections)),
    IDLE_CLOSED_CONNECTIONS(Metrics.counter("idle-closed-connections"), metrics(TransportMetrics::idleClosedConnections)),
    STALLED_CLOSED_CONNECTIONS(Metrics.counter("stalled-closed-connections"), metrics(TransportMetrics::stalledClosedConnections)),
    ACCEPT_ERRORS(Metrics.counter("accept-errors"), metrics(TransportMetrics::acceptErrors)),
    MESSAGES_IN(Metrics.counter("messages-in"), metrics(TransportMetrics::messagesIn)),
    MESSAGES_OUT(Metrics.counter("messages-out"), metrics(TransportMetrics::messagesOut)),
    RECEIVED_BYTES(Metrics.counter("received-bytes"), metrics(TransportMetrics::bytesIn)),
    SENT_BYTES(Metrics.counter("sent-bytes"), metrics(TransportMetrics::bytesOut)),
    PARSE_ERRORS(Metrics.counter("parse-errors"), metrics(TransportMetrics::parseErrors)),
    FRAMING_ERRORS(Metrics.counter("framing-errors"), metrics(TransportMetrics::framingErrors)),
    KEEP_ALIVE_PINGS(Metrics.counter("keep-alive-pings"), metrics(TransportMetrics::keepAlivePings)),
    DROPPED_SENDS(Metrics.counter("dropped-sends"), metrics(TransportMetrics::droppedSends)),
    READ_PAUSES(Metrics.counter("read-pauses"), metrics(TransportMetrics::readPauses)),
    TLS_HANDSHAKE_FAILURES(Metrics.counter("tls-handshake-failures"), metrics(TransportMetrics::tlsHandshakeFailures)),
    OVERSIZED_DATAGRAMS(Metrics.counter("oversized-datagrams"), metrics(TransportMetrics::oversizedDatagrams)),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipConnector> reader;

    ConnectorMetric(AttributeDefinition definition, ToLongFunction<SipConnector> reader) {
        this.definition = definition;
        this.reader = reader;
    }

    private static ToLongFunction<SipConnector> metrics(ToLongFunction<TransportMetrics> figure) {
        return connector -> figure.applyAsLong(connector.metrics());
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public org.jboss.dmr.ModelNode execute(SipConnector connector) {
        return new org.jboss.dmr.ModelNode(reader.applyAsLong(connector));
    }
}
