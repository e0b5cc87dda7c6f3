package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.overload.OverloadFigures;
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
    STATE("overload-state", null, figures -> figures.state() == OverloadState.OVERLOADED ? 1 : 0),
    TRANSITIONS("overload-transitions", null, OverloadFigures::transitions),
    SHED_NEW_WORK("overload-shed-new-work", null, figures -> figures.shed(TrafficClass.NEW_WORK)),
    SHED_REGISTER_REFRESHES("overload-shed-register-refreshes", null, figures -> figures.shed(TrafficClass.REGISTER_REFRESH)),
    SHED_IN_DIALOG("overload-shed-in-dialog", null, figures -> figures.shed(TrafficClass.IN_DIALOG)),
    SHED_RESPONSES("overload-shed-responses", null, figures -> figures.shed(TrafficClass.RESPONSE)),
    SHED_BACKED_UP("overload-shed-backed-up", null, OverloadFigures::shedBackedUp),
    ADMITTED_NEW_WORK("overload-admitted-new-work", null, figures -> figures.admitted(TrafficClass.NEW_WORK)),
    ADMITTED_REGISTER_REFRESHES("overload-admitted-register-refreshes", null, figures -> figures.admitted(TrafficClass.REGISTER_REFRESH)),
    ADMITTED_IN_DIALOG("overload-admitted-in-dialog", null, figures -> figures.admitted(TrafficClass.IN_DIALOG)),
    ADMITTED_RESPONSES("overload-admitted-responses", null, figures -> figures.admitted(TrafficClass.RESPONSE)),
    ADMITTED_UNSORTED("overload-admitted-unsorted", null, OverloadFigures::admittedUnsorted),
    REJECTIONS_SENT("overload-rejections-sent", null, OverloadFigures::rejectionsSent),
    SOJOURN("overload-sojourn", MeasurementUnit.MILLISECONDS, figures -> Math.round(figures.oldestWaitMillis())),
    EVENT_LOOP_LAG("overload-event-loop-lag", MeasurementUnit.MILLISECONDS, figures -> Math.round(figures.eventLoopLagMillis())),
    NEW_WORK_LOSS("overload-new-work-loss", MeasurementUnit.PERCENTAGE, figures -> Math.round(figures.newWorkLoss() * 100)),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<OverloadFigures> reader;

    OverloadMetric(String name, MeasurementUnit unit, ToLongFunction<OverloadFigures> reader) {
        this.definition = Metrics.counter(name, unit);
        this.reader = reader;
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public ModelNode execute(SipStack stack) {
        return stack.overloadValve() instanceof SojournTimeValve valve
                ? new ModelNode(reader.applyAsLong(valve.figures()))
                : definition.getUndefinedMetricValue();
    }
}
