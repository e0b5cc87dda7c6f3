package org.sipcity.sip.subsystem.runtime;

import java.util.stream.Stream;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/**
 * How every SIP metric is declared: a required LONG read at runtime (but for a name, {@link #label}), zero while its
 * service is not running, and either a counter or a gauge. The metrics subsystem exports them on the management
 * interface's {@code /metrics} in Prometheus text as {@code wildfly_sip_<name>}: a counter (flag
 * {@code COUNTER_METRIC}) as type counter named {@code ..._total}; a gauge with a unit in the unit's base
 * ({@code oldest-task-wait} in ms becomes {@code wildfly_sip_oldest_task_wait_seconds}).
 *
 * <p>Counters carry no unit: WildFly 39 appends the unit after {@code _total} on the sample line only, so a byte
 * counter with a unit would come out with a sample name that does not match its {@code # TYPE} line. The byte
 * counters say {@code bytes} in their names instead.
 */
final class Metrics {

    private Metrics() {
    }

    /** A count of events since the service started; only ever grows. */
    static AttributeDefinition counter(String name) {
        return builder(name).addFlag(AttributeAccess.Flag.COUNTER_METRIC).build();
    }

    /** A value now (open connections, queue depth, a wait, a rate); {@code unit} may be {@code null}. */
    static AttributeDefinition gauge(String name, MeasurementUnit unit) {
        SimpleAttributeDefinitionBuilder builder = builder(name);
        if (unit != null) {
            builder.setMeasurementUnit(unit);
        }
        return builder.build();
    }

    /**
     * A name read at runtime, one of {@code values}; undefined while there is none. Not a number, so the metrics
     * endpoint does not export it.
     */
    static AttributeDefinition label(String name, Stream<String> values) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.STRING, true)
                .setStorageRuntime()
                .setAllowedValues(values.toArray(String[]::new))
                .build();
    }

    private static SimpleAttributeDefinitionBuilder builder(String name) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setStorageRuntime()
                .setUndefinedMetricValue(ModelNode.ZERO);
    }
}
