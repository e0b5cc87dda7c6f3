package org.sipcity.sip.subsystem.managedbean;

import javax.management.ObjectName;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.PathAddress;
import org.jboss.dmr.ModelNode;

/**
 * Runs an MBean operation: parameters by name, checked and converted to the operation's Java types (missing ones take
 * their declared default or fail the operation), the result converted to DMR. The handler takes no model lock: a
 * long import holds only its management thread.
 */
final class ManagedBeanOperationHandler implements OperationStepHandler {

    private final ManagedBeanType type;
    private final ManagedBeanType.Operation definition;
    private final ManagedBeanInvoker invoker;

    ManagedBeanOperationHandler(ManagedBeanType type, ManagedBeanType.Operation definition, ManagedBeanInvoker invoker) {
        this.type = type;
        this.definition = definition;
        this.invoker = invoker;
    }

    @Override
    public void execute(OperationContext context, ModelNode operation) throws OperationFailedException {
        Object[] arguments = new Object[definition.parameters().size()];
        for (int i = 0; i < arguments.length; i++) {
            ManagedBeanType.Parameter parameter = definition.parameters().get(i);
            ModelNode value = operation.has(parameter.name()) ? operation.get(parameter.name()) : new ModelNode();
            if (!value.isDefined()) {
                if (parameter.required()) {
                    throw ManagedBeanLogger.LOGGER.invalidParameter(type.name(), definition.name(), parameter.name(), "required");
                }
                value = parameter.defaultValue();
            }
            try {
                arguments[i] = JmxValues.fromModel(value, parameter.className());
            } catch (IllegalArgumentException e) {
                throw ManagedBeanLogger.LOGGER.invalidParameter(type.name(), definition.name(), parameter.name(), e.getMessage());
            }
        }
        if (!context.isNormalServer()) {
            return;
        }
        ObjectName objectName = ManagedBeanEntry.objectName(context.readResource(PathAddress.EMPTY_ADDRESS, false));
        // Called here, in the model stage, not in a runtime step: the bean's effects are outside the model and its
        // services, and a refusal ("no such subscriber") is the operator's error, which the controller logs at DEBUG
        // here but at ERROR from a runtime step.
        Object result = invoker.call(objectName, type.name(), definition.name(),
                server -> server.invoke(objectName, definition.jmxName(), arguments, definition.signature()));
        if (result != null) {
            context.getResult().set(JmxValues.toModel(result));
        }
    }
}
