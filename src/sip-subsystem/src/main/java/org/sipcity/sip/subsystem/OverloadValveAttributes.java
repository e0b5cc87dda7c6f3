package org.sipcity.sip.subsystem;

import java.time.Duration;
import java.util.List;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.ExpressionResolver;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.stack.overload.Admission;
import org.sipcity.stack.overload.OverloadSettings;
import org.sipcity.stack.overload.SojournTimeValve;

/**
 * The overload valve's settings on {@code /subsystem=sip}: which valve (our {@link SojournTimeValve} unless an
 * operator names a class, from a module of their own), and the default valve's thresholds. Defaults are those of
 * {@link OverloadSettings#defaults()}; the rules between them (low below high, min below max) are checked when the
 * stack is configured. Like every setting, they are read at the next reload.
 */
final class OverloadValveAttributes {

    private static final OverloadSettings DEFAULTS = OverloadSettings.defaults();

    static final AttributeDefinition VALVE_CLASS = new SimpleAttributeDefinitionBuilder("overload-valve-class", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SojournTimeValve.class.getName()))
            .setRestartAllServices()
            .build();
    /** Undefined: the class is one of the stack's own (the default valve). */
    static final AttributeDefinition VALVE_MODULE = new SimpleAttributeDefinitionBuilder("overload-valve-module", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setRestartAllServices()
            .build();
    static final AttributeDefinition SOJOURN_HIGH = millis("overload-sojourn-high", DEFAULTS.sojournHigh());
    static final AttributeDefinition SOJOURN_LOW = millis("overload-sojourn-low", DEFAULTS.sojournLow());
    static final AttributeDefinition SOJOURN_WINDOW = millis("overload-sojourn-window", DEFAULTS.sojournWindow());
    static final AttributeDefinition QUEUE_DEPTH_HIGH = count("overload-queue-depth-high", DEFAULTS.queueDepthHigh());
    static final AttributeDefinition QUEUE_DEPTH_LOW = count("overload-queue-depth-low", DEFAULTS.queueDepthLow());
    static final AttributeDefinition LAG_HIGH = millis("overload-event-loop-lag-high", DEFAULTS.lagHigh());
    static final AttributeDefinition LAG_LOW = millis("overload-event-loop-lag-low", DEFAULTS.lagLow());
    static final AttributeDefinition LAG_PROBES = new SimpleAttributeDefinitionBuilder("overload-event-loop-lag-probes", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(DEFAULTS.lagLateProbes()))
            .setValidator(new IntRangeValidator(1, 100))
            .setRestartAllServices()
            .build();
    static final AttributeDefinition HEAP_HIGH = percent("overload-heap-high", DEFAULTS.heapHigh());
    static final AttributeDefinition HEAP_LOW = percent("overload-heap-low", DEFAULTS.heapLow());
    static final AttributeDefinition READ_SATURATION_HIGH = percent("overload-read-saturation-high", DEFAULTS.readSaturationHigh());
    static final AttributeDefinition READ_SATURATION_LOW = percent("overload-read-saturation-low", DEFAULTS.readSaturationLow());
    static final AttributeDefinition READ_SATURATION_WINDOW = millis("overload-read-saturation-window", DEFAULTS.readSaturationWindow());
    static final AttributeDefinition DATAGRAM_DROP_HIGH = percent("overload-datagram-drop-high", DEFAULTS.datagramDropHigh());
    static final AttributeDefinition DATAGRAM_DROP_LOW = percent("overload-datagram-drop-low", DEFAULTS.datagramDropLow());
    static final AttributeDefinition DATAGRAM_DROP_WINDOW = millis("overload-datagram-drop-window", DEFAULTS.datagramDropWindow());
    static final AttributeDefinition DATAGRAM_QUEUE_HIGH = bytes("overload-datagram-queue-high", DEFAULTS.datagramQueueHigh());
    static final AttributeDefinition DATAGRAM_QUEUE_LOW = bytes("overload-datagram-queue-low", DEFAULTS.datagramQueueLow());
    static final AttributeDefinition DATAGRAM_QUEUE_WINDOW = millis("overload-datagram-queue-window", DEFAULTS.datagramQueueWindow());
    static final AttributeDefinition ADMISSION = new SimpleAttributeDefinitionBuilder("overload-admission", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(DEFAULTS.admission().name().toLowerCase(java.util.Locale.ROOT)))
            .setValidator(new StringAllowedValuesValidator("rate", "loss"))
            .setRestartAllServices()
            .build();
    static final AttributeDefinition RATE_INCREASE = percent("overload-rate-increase", DEFAULTS.rateIncrease());
    static final AttributeDefinition SHED_COST = percent("overload-shed-cost", DEFAULTS.shedCost());
    static final AttributeDefinition HOLD_TIME = millis("overload-hold-time", DEFAULTS.holdTime());
    static final AttributeDefinition RETRY_AFTER_MIN = seconds("overload-retry-after-min", DEFAULTS.retryAfterMin());
    static final AttributeDefinition RETRY_AFTER_MAX = seconds("overload-retry-after-max", DEFAULTS.retryAfterMax());
    static final AttributeDefinition UDP_DROP = new SimpleAttributeDefinitionBuilder("overload-udp-drop", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setRestartAllServices()
            .build();
    static final AttributeDefinition UDP_READ_ALL = new SimpleAttributeDefinitionBuilder("overload-udp-read-all", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setRestartAllServices()
            .build();

    static final List<AttributeDefinition> ATTRIBUTES = List.of(VALVE_CLASS, VALVE_MODULE, SOJOURN_HIGH, SOJOURN_LOW,
            SOJOURN_WINDOW, QUEUE_DEPTH_HIGH, QUEUE_DEPTH_LOW, LAG_HIGH, LAG_LOW, LAG_PROBES, HEAP_HIGH, HEAP_LOW,
            READ_SATURATION_HIGH, READ_SATURATION_LOW, READ_SATURATION_WINDOW, DATAGRAM_DROP_HIGH, DATAGRAM_DROP_LOW,
            DATAGRAM_DROP_WINDOW, DATAGRAM_QUEUE_HIGH, DATAGRAM_QUEUE_LOW, DATAGRAM_QUEUE_WINDOW, ADMISSION, RATE_INCREASE, SHED_COST, HOLD_TIME, RETRY_AFTER_MIN, RETRY_AFTER_MAX, UDP_DROP, UDP_READ_ALL);

    private OverloadValveAttributes() {
    }

    /** The default valve's settings from the resolved model; a broken relation between two of them fails the operation. */
    static OverloadSettings settings(ExpressionResolver context, ModelNode model) throws OperationFailedException {
        try {
            return DEFAULTS.toBuilder()
                    .sojourn(millis(context, model, SOJOURN_HIGH), millis(context, model, SOJOURN_LOW))
                    .sojournWindow(millis(context, model, SOJOURN_WINDOW))
                    .queueDepth(QUEUE_DEPTH_HIGH.resolveModelAttribute(context, model).asInt(),
                            QUEUE_DEPTH_LOW.resolveModelAttribute(context, model).asInt())
                    .eventLoopLag(millis(context, model, LAG_HIGH), millis(context, model, LAG_LOW))
                    .lagLateProbes(LAG_PROBES.resolveModelAttribute(context, model).asInt())
                    .heapOccupancy(HEAP_HIGH.resolveModelAttribute(context, model).asInt() / 100.0,
                            HEAP_LOW.resolveModelAttribute(context, model).asInt() / 100.0)
                    .readSaturation(READ_SATURATION_HIGH.resolveModelAttribute(context, model).asInt() / 100.0,
                            READ_SATURATION_LOW.resolveModelAttribute(context, model).asInt() / 100.0)
                    .readSaturationWindow(millis(context, model, READ_SATURATION_WINDOW))
                    .datagramDrops(DATAGRAM_DROP_HIGH.resolveModelAttribute(context, model).asInt() / 100.0,
                            DATAGRAM_DROP_LOW.resolveModelAttribute(context, model).asInt() / 100.0)
                    .datagramDropWindow(millis(context, model, DATAGRAM_DROP_WINDOW))
                    .datagramQueue(DATAGRAM_QUEUE_HIGH.resolveModelAttribute(context, model).asLong(),
                            DATAGRAM_QUEUE_LOW.resolveModelAttribute(context, model).asLong())
                    .datagramQueueWindow(millis(context, model, DATAGRAM_QUEUE_WINDOW))
                    .admission(Admission.valueOf(ADMISSION.resolveModelAttribute(context, model).asString()
                            .toUpperCase(java.util.Locale.ROOT)))
                    .rateIncrease(RATE_INCREASE.resolveModelAttribute(context, model).asInt() / 100.0)
                    .shedCost(SHED_COST.resolveModelAttribute(context, model).asInt() / 100.0)
                    .holdTime(millis(context, model, HOLD_TIME))
                    .retryAfter(RETRY_AFTER_MIN.resolveModelAttribute(context, model).asInt(),
                            RETRY_AFTER_MAX.resolveModelAttribute(context, model).asInt())
                    .dropOnUdp(UDP_DROP.resolveModelAttribute(context, model).asBoolean())
                    .readAllDatagrams(UDP_READ_ALL.resolveModelAttribute(context, model).asBoolean())
                    .build();
        } catch (IllegalArgumentException e) {
            throw SipLogger.ROOT_LOGGER.invalidOverloadSettings(e.getMessage());
        }
    }

    private static Duration millis(ExpressionResolver context, ModelNode model, AttributeDefinition attribute)
            throws OperationFailedException {
        return Duration.ofMillis(attribute.resolveModelAttribute(context, model).asLong());
    }

    private static AttributeDefinition millis(String name, Duration defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue.toMillis()))
                .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
                .setValidator(new LongRangeValidator(0))
                .setRestartAllServices()
                .build();
    }

    /** Datagram queue marks: 0 and 0 disable the signal. */
    private static AttributeDefinition bytes(String name, long defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setMeasurementUnit(MeasurementUnit.BYTES)
                .setValidator(new LongRangeValidator(0))
                .setRestartAllServices()
                .build();
    }

    /** Queue depth marks: 0 high disables the signal. */
    private static AttributeDefinition count(String name, int defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setValidator(IntRangeValidator.NON_NEGATIVE)
                .setRestartAllServices()
                .build();
    }

    /** Heap occupancy after GC as a percentage of the pools' maximum. */
    private static AttributeDefinition percent(String name, double defaultFraction) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode((int) Math.round(defaultFraction * 100)))
                .setMeasurementUnit(MeasurementUnit.PERCENTAGE)
                .setValidator(new IntRangeValidator(1, 100))
                .setRestartAllServices()
                .build();
    }

    private static AttributeDefinition seconds(String name, int defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setMeasurementUnit(MeasurementUnit.SECONDS)
                .setValidator(IntRangeValidator.NON_NEGATIVE)
                .setRestartAllServices()
                .build();
    }
}
