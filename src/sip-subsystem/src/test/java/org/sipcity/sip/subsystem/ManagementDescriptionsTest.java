package org.sipcity.sip.subsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.stream.Stream;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.subsystem.runtime.ConnectorMetric;
import org.sipcity.sip.subsystem.runtime.ContainerMetric;
import org.sipcity.sip.subsystem.runtime.OverloadMetric;
import org.sipcity.sip.subsystem.runtime.StackMetric;
import org.wildfly.subsystem.resource.executor.Metric;

/**
 * Every attribute and metric has its text in LocalDescriptions.properties (HAL and the CLI show it; a missing key
 * fails read-resource-description at runtime), metrics are never undefined, and the transport validator accepts
 * exactly the three transports.
 */
class ManagementDescriptionsTest {

    private static Properties descriptions() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = SipExtension.class.getResourceAsStream("LocalDescriptions.properties")) {
            assertThat(in).isNotNull();
            properties.load(in);
        }
        return properties;
    }

    @Test
    void everySubsystemAttributeAndMetricIsDescribed() throws IOException {
        Properties descriptions = descriptions();
        Stream.of(SipSubsystemResourceDefinitionRegistrar.ATTRIBUTES.stream(), Stream.of(StackMetric.values()).map(Metric::get),
                        Stream.of(ContainerMetric.values()).map(Metric::get), Stream.of(OverloadMetric.values()).map(Metric::get))
                .flatMap(s -> s)
                .forEach(attribute -> assertThat(descriptions.getProperty("sip." + attribute.getName()))
                        .as("description of sip %s", attribute.getName()).isNotBlank());
    }

    @Test
    void everyConnectorAttributeAndMetricIsDescribed() throws IOException {
        Properties descriptions = descriptions();
        Stream.concat(ConnectorResourceDefinitionRegistrar.ATTRIBUTES.stream(), Stream.of(ConnectorMetric.values()).map(Metric::get))
                .forEach(attribute -> assertThat(descriptions.getProperty("sip.connector." + attribute.getName()))
                        .as("description of connector %s", attribute.getName()).isNotBlank());
    }

    @Test
    void metricsAreRequiredLongsWithAnUndefinedValueOfZero() {
        Stream.of(Stream.of(StackMetric.values()).map(Metric::get), Stream.of(ConnectorMetric.values()).map(Metric::get),
                        Stream.of(ContainerMetric.values()).map(Metric::get),
                        Stream.of(OverloadMetric.values()).filter(metric -> metric != OverloadMetric.CAUSE).map(Metric::get))
                .flatMap(s -> s)
                .forEach(metric -> {
                    assertThat(metric.getType()).as(metric.getName()).isEqualTo(ModelType.LONG);
                    assertThat(metric.isRequired()).as("%s required", metric.getName()).isTrue();
                    assertThat(metric.getUndefinedMetricValue()).as(metric.getName()).isEqualTo(ModelNode.ZERO);
                });
    }

    @Test
    void theOverloadCauseIsAnOptionalNameOfTheValvesSignals() {
        AttributeDefinition cause = OverloadMetric.CAUSE.get();
        assertThat(cause.getType()).isEqualTo(ModelType.STRING);
        assertThat(cause.isRequired()).as("undefined before the first overload").isFalse();
        assertThat(cause.getAllowedValues()).extracting(ModelNode::asString)
                .containsExactly("worker-wait", "worker-queue-depth", "event-loop-lag", "heap", "read-saturation",
                        "datagram-drops", "datagram-queue");
    }

    @Test
    void countersAreFlaggedForPrometheusAndCarryNoUnitWhileGaugesAreNotFlagged() {
        Stream.of(Stream.of(StackMetric.values()).map(Metric::get), Stream.of(ConnectorMetric.values()).map(Metric::get),
                        Stream.of(ContainerMetric.values()).map(Metric::get), Stream.of(OverloadMetric.values()).map(Metric::get))
                .flatMap(s -> s)
                .filter(metric -> metric.getFlags().contains(AttributeAccess.Flag.COUNTER_METRIC))
                .forEach(counter -> assertThat(counter.getMeasurementUnit()).as("unit of counter %s", counter.getName())
                        .isIn(null, MeasurementUnit.NONE));
        assertThat(StackMetric.REQUESTS_REGISTER.get().getName()).isEqualTo("requests-register");
        assertThat(StackMetric.RESPONSES_4XX.get().getName()).isEqualTo("responses-4xx");
        assertThat(StackMetric.REQUESTS_REGISTER.get().getFlags()).contains(AttributeAccess.Flag.COUNTER_METRIC);
        assertThat(ConnectorMetric.RECEIVED_BYTES.get().getFlags()).contains(AttributeAccess.Flag.COUNTER_METRIC);
        for (AttributeDefinition gauge : new AttributeDefinition[] {ConnectorMetric.OPEN_CONNECTIONS.get(),
                ConnectorMetric.MESSAGES_IN_PER_SECOND.get(), StackMetric.ACTIVE_TRANSACTIONS.get(),
                ContainerMetric.WORKER_QUEUE_DEPTH.get(), ContainerMetric.OLDEST_TASK_WAIT.get(), OverloadMetric.STATE.get()}) {
            assertThat(gauge.getFlags()).as(gauge.getName()).doesNotContain(AttributeAccess.Flag.COUNTER_METRIC);
        }
        assertThat(ContainerMetric.OLDEST_TASK_WAIT.get().getMeasurementUnit()).isEqualTo(MeasurementUnit.MILLISECONDS);
    }

    @Test
    void theTraceSwitchIsDescribedRuntimeOnlyAndNeedsNoReload() throws IOException {
        Properties descriptions = descriptions();
        for (AttributeDefinition attribute : new AttributeDefinition[] {TraceSwitch.TRACE_AOR, TraceSwitch.TRACE_ADDRESS}) {
            assertThat(descriptions.getProperty("sip." + attribute.getName())).as(attribute.getName()).contains("org.sipcity.sip.trace");
            assertThat(attribute.isRequired()).isFalse();
            assertThat(attribute.getFlags()).contains(AttributeAccess.Flag.STORAGE_RUNTIME)
                    .doesNotContain(AttributeAccess.Flag.RESTART_ALL_SERVICES, AttributeAccess.Flag.RESTART_JVM);
        }
    }

    @Test
    void theFlowOperationsAndTheirParametersAreDescribed() throws IOException {
        Properties descriptions = descriptions();
        for (String key : new String[] {"list-flows", "list-flows.remote-address", "list-flows.limit", "list-flows.reply",
                "close-flow", "close-flow.flow-id", "close-flow.remote-address", "close-flow.reply"}) {
            assertThat(descriptions.getProperty("sip.connector." + key)).as(key).isNotBlank();
        }
        assertThat(FlowOperations.LIMIT.getDefaultValue().asInt()).isEqualTo(FlowOperations.DEFAULT_LIMIT);
    }

    @Test
    void settingsAcceptExpressionsAndAskForReload() {
        Stream.concat(SipSubsystemResourceDefinitionRegistrar.ATTRIBUTES.stream(), ConnectorResourceDefinitionRegistrar.ATTRIBUTES.stream())
                .filter(attribute -> !attribute.getName().equals("socket-binding") && !attribute.getName().equals("ssl-context"))
                .forEach(attribute -> {
                    assertThat(attribute.isAllowExpression()).as("%s allows expressions", attribute.getName()).isTrue();
                    assertThat(attribute.getFlags()).as(attribute.getName())
                            .contains(org.jboss.as.controller.registry.AttributeAccess.Flag.RESTART_ALL_SERVICES);
                });
    }

    @Test
    void transportValidatorAcceptsTheThreeTransportsInAnyCase() throws OperationFailedException {
        TransportValidator validator = new TransportValidator();
        for (String transport : new String[] {"udp", "tcp", "tls", "TCP"}) {
            validator.validateParameter("transport", new ModelNode(transport));
        }
        assertThatThrownBy(() -> validator.validateParameter("transport", new ModelNode("sctp")))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("SIPCITY00014").hasMessageContaining("sctp");
    }

    @Test
    void timersDefaultToRfc3261Table4() {
        AttributeDefinition t1 = SipSubsystemResourceDefinitionRegistrar.T1;
        assertThat(t1.getDefaultValue().asLong()).isEqualTo(500L);
        assertThat(SipSubsystemResourceDefinitionRegistrar.T2.getDefaultValue().asLong()).isEqualTo(4_000L);
        assertThat(SipSubsystemResourceDefinitionRegistrar.T4.getDefaultValue().asLong()).isEqualTo(5_000L);
    }

    @Test
    void overloadValveDefaultsAreThoseOfTheStacksSettings() {
        org.sipcity.stack.overload.OverloadSettings defaults = org.sipcity.stack.overload.OverloadSettings.defaults();
        assertThat(OverloadValveAttributes.VALVE_CLASS.getDefaultValue().asString())
                .isEqualTo(org.sipcity.stack.overload.SojournTimeValve.class.getName());
        assertThat(OverloadValveAttributes.SOJOURN_HIGH.getDefaultValue().asLong()).isEqualTo(defaults.sojournHigh().toMillis());
        assertThat(OverloadValveAttributes.SOJOURN_LOW.getDefaultValue().asLong()).isEqualTo(defaults.sojournLow().toMillis());
        assertThat(OverloadValveAttributes.HEAP_HIGH.getDefaultValue().asInt()).isEqualTo(90);
        assertThat(OverloadValveAttributes.HOLD_TIME.getDefaultValue().asLong()).isEqualTo(defaults.holdTime().toMillis());
        assertThat(OverloadValveAttributes.RETRY_AFTER_MAX.getDefaultValue().asInt()).isEqualTo(defaults.retryAfterMax());
        assertThat(OverloadValveAttributes.SOJOURN_HIGH.getMeasurementUnit()).isEqualTo(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS);
    }
}
