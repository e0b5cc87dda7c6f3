package org.sipcity.sip.subsystem.runtime;

import java.util.function.Function;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.dmr.ModelNode;
import org.wildfly.service.capture.FunctionExecutor;
import org.wildfly.subsystem.resource.executor.Metric;
import org.wildfly.subsystem.resource.executor.MetricExecutor;
import org.wildfly.subsystem.resource.executor.MetricFunction;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capture.FunctionExecutorRegistry;

/**
 * Reads a metric from the value a running service captured (the stack, a connector). While the service is not up
 * (stopped, or failed to bind) the metric reads as its declared undefined-metric value, so that a metric is never
 * undefined in a read-resource.
 *
 * @param <V> the service value
 */
public final class CapturedValueMetricExecutor<V> implements MetricExecutor<V> {

    private final FunctionExecutorRegistry<V> executors;
    private final Function<OperationContext, ServiceDependency<V>> dependency;

    /**
     * @param executors  the registry the service's value is captured into
     * @param dependency the service of the resource the operation addresses
     */
    public CapturedValueMetricExecutor(FunctionExecutorRegistry<V> executors, Function<OperationContext, ServiceDependency<V>> dependency) {
        this.executors = executors;
        this.dependency = dependency;
    }

    @Override
    public ModelNode execute(OperationContext context, Metric<V> metric) throws OperationFailedException {
        FunctionExecutor<V> executor = executors.getExecutor(dependency.apply(context));
        ModelNode value = executor != null ? executor.execute(new MetricFunction<>(Function.identity(), metric)) : null;
        return value != null ? value : metric.get().getUndefinedMetricValue();
    }
}
