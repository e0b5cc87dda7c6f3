package org.sipcity.sip.subsystem.managedbean;

import org.jboss.as.server.deployment.AttachmentKey;
import org.jboss.as.server.deployment.Attachments;
import org.jboss.as.server.deployment.DeploymentPhaseContext;
import org.jboss.as.server.deployment.DeploymentResourceSupport;
import org.jboss.as.server.deployment.DeploymentUnit;
import org.jboss.as.server.deployment.DeploymentUnitProcessor;
import org.sipcity.sip.subsystem.deployment.SipApplicationName;
import org.sipcity.sip.subsystem.deployment.SipDispatchMode;

/**
 * Gives every SIP deployment its {@code subsystem=sip} resource and starts following the management beans its
 * application publishes; at undeploy stops following them and cleans up. Runs after the SIP install processor, which
 * attaches the application name.
 */
final class ManagedBeanProcessor implements DeploymentUnitProcessor {

    private static final AttachmentKey<ApplicationBeans> BEANS = AttachmentKey.create(ApplicationBeans.class);

    private final ManagedBeanTypes types;

    ManagedBeanProcessor(ManagedBeanTypes types) {
        this.types = types;
    }

    @Override
    public void deploy(DeploymentPhaseContext phaseContext) {
        DeploymentUnit unit = phaseContext.getDeploymentUnit();
        String application = unit.getAttachment(SipApplicationName.KEY);
        if (application == null) {
            return;
        }
        ApplicationBeans beans = new ApplicationBeans(application, unit.getName(), types);
        DeploymentResourceSupport resources = unit.getAttachment(Attachments.DEPLOYMENT_RESOURCE_SUPPORT);
        resources.registerDeploymentSubsystemResource(ManagedBeanResourceRegistrar.SUBSYSTEM, new SipDeploymentResource(beans,
                unit.getAttachment(SipDispatchMode.KEY)));
        unit.putAttachment(BEANS, beans);
        beans.start();
    }

    @Override
    public void undeploy(DeploymentUnit unit) {
        ApplicationBeans beans = unit.removeAttachment(BEANS);
        if (beans != null) {
            beans.stop();
        }
    }
}
