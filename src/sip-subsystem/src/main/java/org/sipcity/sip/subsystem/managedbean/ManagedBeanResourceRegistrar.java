package org.sipcity.sip.subsystem.managedbean;

import java.util.Set;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.SubsystemRegistration;
import org.jboss.as.controller.descriptions.ParentResourceDescriptionResolver;
import org.jboss.as.controller.descriptions.SubsystemResourceDescriptionResolver;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.server.DeploymentProcessorTarget;
import org.jboss.as.server.deployment.Phase;
import org.jboss.dmr.ModelType;

/**
 * Registers {@code /deployment=*&#47;subsystem=sip} and its {@code managed-bean=*} children (runtime resources of SIP
 * deployments), and the deployment processor that fills them. Call {@link #register} from the subsystem's
 * registrar when runtime-only registrations are valid (a server, not a host controller).
 */
public final class ManagedBeanResourceRegistrar {

    static final String SUBSYSTEM = "sip";
    static final String MANAGED_BEAN = "managed-bean";
    /** Where the application's code runs: {@code worker} or {@code inline} (on the event loops). */
    static final String DISPATCH_MODE = "dispatch-mode";
    /** Attributes every managed bean resource has, from its model. */
    static final Set<String> MODEL_ATTRIBUTES = Set.of(ManagedBeanEntry.OBJECT_NAME, ManagedBeanEntry.DESCRIPTION);

    private static final ParentResourceDescriptionResolver RESOLVER =
            new SubsystemResourceDescriptionResolver("sip-deployment", ManagedBeanResourceRegistrar.class);

    private ManagedBeanTypes types;

    public void register(SubsystemRegistration subsystem) {
        ManagementResourceRegistration deployment = subsystem.registerDeploymentModel(
                ResourceDefinition.builder(ResourceRegistration.of(PathElement.pathElement("subsystem", SUBSYSTEM)), RESOLVER)
                        .asRuntime()
                        .build());
        deployment.registerReadOnlyAttribute(new SimpleAttributeDefinitionBuilder(DISPATCH_MODE, ModelType.STRING)
                .setRequired(false)
                .setStorageRuntime()
                .build(), null);
        PathElement beans = PathElement.pathElement(MANAGED_BEAN);
        ManagementResourceRegistration wildcard = deployment.registerSubModel(
                ResourceDefinition.builder(ResourceRegistration.of(beans), RESOLVER.createChildResolver(beans))
                        .asRuntime()
                        .build());
        for (String name : MODEL_ATTRIBUTES) {
            wildcard.registerReadOnlyAttribute(new SimpleAttributeDefinitionBuilder(name, ModelType.STRING)
                    .setRequired(false)
                    .setStorageRuntime()
                    .build(), null);
        }
        types = new ManagedBeanTypes(wildcard);
    }

    /** After the SIP install processor (which names the application); nothing when {@link #register} did not run. */
    public void addDeploymentProcessor(DeploymentProcessorTarget target, int sipInstallPriority) {
        if (types != null) {
            target.addDeploymentProcessor(SUBSYSTEM, Phase.INSTALL, sipInstallPriority + 1, new ManagedBeanProcessor(types));
        }
    }
}
