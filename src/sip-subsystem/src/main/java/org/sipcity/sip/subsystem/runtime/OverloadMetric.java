package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.overload.OverloadFigures;
import org.sipcity.stack.overload.OverloadSignal;
import org.sipcity.stack.overload.OverloadState;
import org.sipcity.stack.overload.SojournTimeValve;
import org.sipcity.stack.overload.TrafficClass;
import org.wildfly.subsystem.resource.executor.Metric;

/**
 * The overload valve's figures on {@code /subsystem=sip}, read from the running stack's {@link SojournTimeValve}.
 * An operator's own valve has no figures of ours: every metric then reads 0.
 */
public enum OverloadMetric implements Metric<SipStack> {
    /** 0 normal, 1 overloaded. */
    STATE(Metrics.gauge("overload-state", null), figures -> figures.state() == OverloadState.OVERLOADED ? 1 : 0),
    TRANSITIONS(Metrics.counter("overload-transitions"), OverloadFigures::transitions),
    SHED_NEW_WORK(Metrics.counter("overload-shed-new-work"), figures -> figures.shed(TrafficClass.NEW_WORK)),
    SHED_REGISTER_REFRESHES(Metrics.counter("overload-shed-register-refreshes"), figures -> figures.shed(TrafficClass.REGISTER_REFRESH)),
    SHED_IN_DIALOG(Metrics.counter("overload-shed-in-dialog"), figures -> figures.shed(TrafficClass.IN_DIALOG)),
    SHED_RESPONSES(Metrics.counter("overload-shed-responses"), figures -> figures.shed(TrafficClass.RESPONSE)),
    ADMITTED_NEW_WORK(Metrics.counter("overload-admitted-new-work"), figures -> figures.admitted(TrafficClass.NEW_WORK)),
    ADMITTED_REGISTER_REFRESHES(Metrics.counter("overload-admitted-register-refreshes"), figures -> figures.admitted(TrafficClass.REGISTER_REFRESH)),
    ADMITTED_IN_DIALOG(Metrics.counter("overload-admitted-in-dialog"), figures -> figures.admitted(TrafficClass.IN_DIALOG)),
    ADMITTED_RESPONSES(Metrics.counter("overload-admitted-responses"), figures -> figures.admitted(TrafficClass.RESPONSE)),
    ADMITTED_UNSORTED(Metrics.counter("overload-admitted-unsorted"), OverloadFigures::admittedUnsorted),
    REJECTIONS_SENT(Metrics.counter("overload-rejections-sent"), OverloadFigures::rejectionsSent),
    SOJOURN(Metrics.gauge("overload-sojourn", MeasurementUnit.MILLISECONDS), figures -> Math.round(figures.oldestWaitMillis())),
    EVENT_LOOP_LAG(Metrics.gauge("overload-event-loop-lag", MeasurementUnit.MILLISECONDS), figures -> Math.round(figures.eventLoopLagMillis())),
    HEAP_AFTER_GC(Metrics.gauge("overload-heap-after-gc", MeasurementUnit.PERCENTAGE), figures -> Math.round(figures.heapOccupancyAfterGc() * 100)),
    READ_SATURATION(Metrics.gauge("overload-read-saturation", MeasurementUnit.PERCENTAGE), figures -> Math.round(figures.readSaturation() * 100)),
    READ_BUSY(Metrics.gauge("overload-read-busy", MeasurementUnit.PERCENTAGE), figures -> Math.round(figures.readBusy() * 100)),
    /** Where the JVM does not time its compilers, 0. */
    COMPILING(Metrics.gauge("overload-compiling", MeasurementUnit.PERCENTAGE), figures -> Math.max(0, Math.round(figures.compiling() * 100))),
    DATAGRAM_DROPS(Metrics.counter("overload-datagram-drops"), OverloadFigures::datagramDrops),
    DATAGRAM_DROP_SHARE(Metrics.gauge("overload-datagram-drop-share", MeasurementUnit.PERCENTAGE), figures -> Math.round(figures.datagramDropShare() * 100)),
    DATAGRAM_QUEUE(Metrics.gauge("overload-datagram-queue", MeasurementUnit.BYTES), OverloadFigures::datagramQueueBytes),
    ADMISSION_RATE(Metrics.gauge("overload-admission-rate", null), figures -> Math.round(figures.admissionRate())),
    NEW_WORK_LOSS(Metrics.gauge("overload-new-work-loss", MeasurementUnit.PERCENTAGE), figures -> Math.round(figures.newWorkLoss() * 100)),
    /** A name, not a number (the metrics endpoint leaves it out): undefined until the valve was first overloaded. */
    CAUSE(Metrics.label("overload-cause", Stream.of(OverloadSignal.values()).map(OverloadSignal::label))) {
        @Override
        ModelNode read(OverloadFigures figures) {
            return figures.cause() == null ? new ModelNode() : new ModelNode(figures.cause().label());
        }
    },
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<OverloadFigures> reader;

    OverloadMetric(AttributeDefinition definition, ToLongFunction<OverloadFigures> reader) {
        this.definition = definition;
        this.reader = reader;
    }

    OverloadMetric(AttributeDefinition definition) {
        this(definition, null);
    }

    ModelNode read(OverloadFigures figures) {
        return new ModelNode(reader.applyAsLong(figures));
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public ModelNode execute(SipStack stack) {
        return stack.overloadValve() instanceof SojournTimeValve valve
                ? read(valve.figures())
                : definition.getUndefinedMetricValue();
    }
}
