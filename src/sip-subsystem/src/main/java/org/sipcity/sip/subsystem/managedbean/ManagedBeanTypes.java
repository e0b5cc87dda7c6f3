package org.sipcity.sip.subsystem.managedbean;

import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanInfo;
import javax.management.ObjectName;
import org.jboss.as.controller.registry.ManagementResourceRegistration;

/**
 * The override registrations {@code managed-bean=NAME} under every deployment's {@code subsystem=sip}. A management
 * registration is per path, not per deployment, so beans of one name share it: two deployments (say two copies of
 * one application) may both show {@code managed-bean=subscribers} if the interfaces are the same; a bean of the same
 * name with another interface is not shown, with a warning. The registration goes when its last bean does.
 */
final class ManagedBeanTypes {

    private static final class Shared {
        final ManagedBeanType type;
        int users;

        Shared(ManagedBeanType type) {
            this.type = type;
        }
    }

    private final ManagementResourceRegistration wildcard;
    private final ManagedBeanInvoker invoker = new ManagedBeanInvoker();
    private final Map<String, Shared> registered = new HashMap<>();

    ManagedBeanTypes(ManagementResourceRegistration wildcard) {
        this.wildcard = wildcard;
    }

    /** @return whether the bean can be shown (its registration exists now) */
    synchronized boolean acquire(ObjectName objectName, MBeanInfo info, String deployment) {
        String name = ManagedBeanNames.beanName(objectName);
        Shared shared = registered.get(name);
        if (shared == null) {
            ManagedBeanType type = ManagedBeanType.of(objectName, info);
            type.register(wildcard, invoker);
            shared = new Shared(type);
            registered.put(name, shared);
        } else if (!shared.type.sameInterfaceAs(info)) {
            ManagedBeanLogger.LOGGER.conflictingBeanType(objectName.toString(), deployment, name);
            return false;
        }
        shared.users++;
        ManagedBeanLogger.LOGGER.beanShown(objectName.toString(), deployment, name);
        return true;
    }

    synchronized void release(String name) {
        Shared shared = registered.get(name);
        if (shared != null && --shared.users == 0) {
            registered.remove(name);
            wildcard.unregisterOverrideModel(name);
        }
    }
}
