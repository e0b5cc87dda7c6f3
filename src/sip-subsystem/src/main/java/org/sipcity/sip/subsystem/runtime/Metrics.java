package org.sipcity.sip.subsystem.runtime;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/** How every SIP metric is declared: a required LONG read at runtime, zero while its service is not running. */
final class Metrics {

    private Metrics() {
    }

    static AttributeDefinition counter(String name, MeasurementUnit unit) {
        SimpleAttributeDefinitionBuilder builder = new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setStorageRuntime()
                .setUndefinedMetricValue(ModelNode.ZERO);
        if (unit != null) {
            builder.setMeasurementUnit(unit);
        }
        return builder.build();
    }
}
