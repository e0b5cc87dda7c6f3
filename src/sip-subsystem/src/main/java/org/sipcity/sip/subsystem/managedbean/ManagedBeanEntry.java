package org.sipcity.sip.subsystem.managedbean;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.jboss.as.controller.registry.PlaceholderResource;
import org.jboss.as.controller.registry.Resource;
import org.jboss.dmr.ModelNode;

/**
 * {@code managed-bean=NAME}: a runtime resource whose model holds only the bean's JMX name and description; its
 * attributes and operations go to the MBean when they are read or run.
 */
final class ManagedBeanEntry extends PlaceholderResource.PlaceholderResourceEntry {

    static final String OBJECT_NAME = "object-name";
    static final String DESCRIPTION = "description";

    private final ModelNode model = new ModelNode();

    ManagedBeanEntry(String name, ObjectName objectName, String description) {
        super(ManagedBeanResourceRegistrar.MANAGED_BEAN, name);
        model.get(OBJECT_NAME).set(objectName.getCanonicalName());
        model.get(DESCRIPTION).set(description);
        model.protect();
    }

    static ObjectName objectName(Resource resource) {
        try {
            return new ObjectName(resource.getModel().get(OBJECT_NAME).asString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ModelNode getModel() {
        return model;
    }

    @Override
    public boolean isModelDefined() {
        return true;
    }

    @Override
    public boolean isRuntime() {
        return true;
    }

    @Override
    public ManagedBeanEntry clone() {
        return this;
    }
}
