package org.sipcity.sip.subsystem.managedbean;

import java.util.LinkedHashSet;
import java.util.Set;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.registry.Resource;
import org.jboss.dmr.ModelNode;
import org.sipcity.sip.subsystem.deployment.SipDispatchMode;

/**
 * {@code /deployment=WAR/subsystem=sip}: a runtime resource whose {@code managed-bean} children are, at every read,
 * the beans the application has published. It holds no state of its own, so the controller's copies of the model
 * all see the same beans.
 */
final class SipDeploymentResource implements Resource {

    private final ApplicationBeans beans;
    private final SipDispatchMode dispatchMode;

    SipDeploymentResource(ApplicationBeans beans, SipDispatchMode dispatchMode) {
        this.beans = beans;
        this.dispatchMode = dispatchMode;
    }

    /** {@code dispatch-mode}: where the application's code runs, and whether the subsystem overrode its declaration. */
    @Override
    public ModelNode getModel() {
        ModelNode model = new ModelNode().setEmptyObject();
        model.get(ManagedBeanResourceRegistrar.DISPATCH_MODE).set(dispatchMode == null ? "worker" : dispatchMode.describe());
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
    public boolean hasChild(PathElement element) {
        return ManagedBeanResourceRegistrar.MANAGED_BEAN.equals(element.getKey()) && beans.shown().containsKey(element.getValue());
    }

    @Override
    public Resource getChild(PathElement element) {
        if (!ManagedBeanResourceRegistrar.MANAGED_BEAN.equals(element.getKey())) {
            return null;
        }
        ApplicationBeans.Shown shown = beans.shown().get(element.getValue());
        return shown == null ? null : new ManagedBeanEntry(element.getValue(), shown.objectName(), shown.description());
    }

    @Override
    public Resource requireChild(PathElement element) {
        Resource child = getChild(element);
        if (child == null) {
            throw new NoSuchResourceException(element);
        }
        return child;
    }

    @Override
    public boolean hasChildren(String childType) {
        return ManagedBeanResourceRegistrar.MANAGED_BEAN.equals(childType) && !beans.shown().isEmpty();
    }

    @Override
    public Resource navigate(PathAddress address) {
        return Resource.Tools.navigate(this, address);
    }

    @Override
    public Set<String> getChildTypes() {
        return Set.of(ManagedBeanResourceRegistrar.MANAGED_BEAN);
    }

    @Override
    public Set<String> getChildrenNames(String childType) {
        return ManagedBeanResourceRegistrar.MANAGED_BEAN.equals(childType) ? new LinkedHashSet<>(beans.names()) : Set.of();
    }

    @Override
    public Set<ResourceEntry> getChildren(String childType) {
        Set<ResourceEntry> children = new LinkedHashSet<>();
        if (ManagedBeanResourceRegistrar.MANAGED_BEAN.equals(childType)) {
            beans.shown().forEach((name, shown) -> children.add(new ManagedBeanEntry(name, shown.objectName(), shown.description())));
        }
        return children;
    }

    @Override
    public void writeModel(ModelNode newModel) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void registerChild(PathElement address, Resource resource) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void registerChild(PathElement address, int index, Resource resource) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Resource removeChild(PathElement address) {
        return null;
    }

    @Override
    public boolean isProxy() {
        return false;
    }

    @Override
    public Set<String> getOrderedChildTypes() {
        return Set.of();
    }

    @Override
    public Resource clone() {
        return this;
    }
}
