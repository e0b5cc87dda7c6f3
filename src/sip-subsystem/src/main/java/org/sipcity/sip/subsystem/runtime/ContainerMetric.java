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
    WORKER_QUEUE_DEPTH(Metrics.gauge("worker-queue-depth", null), container -> container.metrics().queuedTasks()),
    OLDEST_TASK_WAIT(Metrics.gauge("oldest-task-wait", MeasurementUnit.MILLISECONDS), container -> container.metrics().oldestTaskWaitMillis()),
    ACTIVE_WORKERS(Metrics.gauge("active-workers", null), container -> container.metrics().activeWorkers()),
    COMPLETED_TASKS(Metrics.counter("completed-tasks"), container -> container.metrics().completedTasks()),
    EVENT_LOOP_TASKS(Metrics.counter("event-loop-tasks"), container -> container.metrics().eventLoopTasks()),
    SLOW_EVENT_LOOP_TASKS(Metrics.counter("slow-event-loop-tasks"), container -> container.metrics().slowEventLoopTasks()),
    REJECTED_INITIAL_REQUESTS(Metrics.counter("rejected-initial-requests"), container -> container.metrics().rejectedInitialRequests()),
    REJECTED_SUBSEQUENT_MESSAGES(Metrics.counter("rejected-subsequent-messages"), container -> container.metrics().rejectedSubsequentMessages()),
    DEPLOYED_APPLICATIONS(Metrics.gauge("deployed-applications", null), container -> container.applicationNames().size()),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<SipContainer> reader;

    ContainerMetric(AttributeDefinition definition, ToLongFunction<SipContainer> reader) {
        this.definition = definition;
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
