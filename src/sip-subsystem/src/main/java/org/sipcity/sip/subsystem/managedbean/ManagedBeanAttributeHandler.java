package org.sipcity.sip.subsystem.managedbean;

import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.dmr.ModelNode;

/** Reads an MBean attribute at the time of the read, like a metric: nothing of it is kept in the model. */
final class ManagedBeanAttributeHandler implements OperationStepHandler {

    private final ManagedBeanType type;
    private final ManagedBeanInvoker invoker;

    ManagedBeanAttributeHandler(ManagedBeanType type, ManagedBeanInvoker invoker) {
        this.type = type;
        this.invoker = invoker;
    }

    @Override
    public void execute(OperationContext context, ModelNode operation) throws OperationFailedException {
        if (!context.isNormalServer()) {
            return;
        }
        String name = operation.require(ModelDescriptionConstants.NAME).asString();
        ManagedBeanType.Attribute attribute = type.attributes().get(name);
        javax.management.ObjectName objectName = ManagedBeanEntry.objectName(context.readResource(PathAddress.EMPTY_ADDRESS, false));
        // In the model stage, like the operations (ManagedBeanOperationHandler says why).
        Object value = invoker.call(objectName, type.name(), "read " + name,
                server -> server.getAttribute(objectName, attribute.jmxName()));
        context.getResult().set(JmxValues.toModel(value));
    }
}
