package org.sipcity.sip.subsystem.runtime;

import java.util.function.ToLongFunction;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.sipcity.sip.container.api.SipContainer;
import org.wildfly.subsystem.resource.executor.Metric;

/**
 * The runtime figures of the servlet container on {@code /subsystem=sip}: the queue between the event loops and the
 * workers, which the overload valve watches (Ono and Schulzrinne: an unbounded queue is where a SIP server on TCP
 * loses its throughput).
 */
public enum ContainerMetric implements Metric<SipContainer> {
    WORKER_QUEUE_DEPTH("worker-queue-depth", null, container -> container.metrics().queuedTasks()),
    OLDEST_TASK_WAIT("oldest-task-wait", MeasurementUnit.MILLISECONDS, container -> container.metrics().oldestTaskWaitMillis()),
    ACTIVE_WORKERS("active-workers", null, container -> container.metrics().activeWorkers()),
    COMPLETED_TASKS("completed-tasks", null, container -> container.metrics().completedTasks()),
    REJECTED_INITIAL_REQUESTS("rejected-initial-requests", null, container -> container.metrics().rejectedInitialRequests()),
    REJECTED_SUBSEQUENT_MESSAGES("rejected-subsequent-messages", null, container -> container.metrics().rejectedSubsequentMessages()),
    DEPLOYED_APPLICATIONS("deployed-applications", null, container -> container.applicationNames().size()),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipContainer> reader;

    ContainerMetric(String name, MeasurementUnit unit, ToLongFunction<SipContainer> reader) {
        this.definition = Metrics.counter(name, unit);
        this.reader = reader;
    }

    @Override
    public AttributeDefinition get() {
        return definition;
    }

    @Override
    public ModelNode execute(SipContainer container) {
        return new ModelNode(reader.applyAsLong(container));
    }
}
