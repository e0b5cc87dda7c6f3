package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.sipcity.stack.transport.SipConnector;
import org.wildfly.subsystem.resource.executor.Metric;

/** The runtime figures of {@code /subsystem=sip/connector=*}, read from the connector's transport metrics. */
public enum ConnectorMetric implements Metric<SipConnector> {
    OPEN_CONNECTIONS("open-connections", null, SipConnector::openConnections),
    ACCEPTED_CONNECTIONS("accepted-connections", null, connector -> connector.metrics().acceptedConnections()),
    REFUSED_CONNECTIONS("refused-connections", null, connector -> connector.metrics().refusedConnections()),
    IDLE_CLOSED_CONNECTIONS("idle-closed-connections", null, connector -> connector.metrics().idleClosedConnections()),
    MESSAGES_IN("messages-in", null, connector -> connector.metrics().messagesIn()),
    MESSAGES_OUT("messages-out", null, connector -> connector.metrics().messagesOut()),
    BYTES_IN("bytes-in", MeasurementUnit.BYTES, connector -> connector.metrics().bytesIn()),
    BYTES_OUT("bytes-out", MeasurementUnit.BYTES, connector -> connector.metrics().bytesOut()),
    FRAMING_ERRORS("framing-errors", null, connector -> connector.metrics().framingErrors()),
    KEEP_ALIVE_PINGS("keep-alive-pings", null, connector -> connector.metrics().keepAlivePings()),
    DROPPED_SENDS("dropped-sends", null, connector -> connector.metrics().droppedSends()),
    TLS_HANDSHAKE_FAILURES("tls-handshake-failures", null, connector -> connector.metrics().tlsHandshakeFailures()),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipConnector> reader;

    ConnectorMetric(String name, MeasurementUnit unit, ToLongFunction<SipConnector> reader) {
        this.definition = Metrics.counter(name, unit);
        this.reader = reader;
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public ModelNode execute(SipConnector connector) {
        return new ModelNode(reader.applyAsLong(connector));
    }
}
