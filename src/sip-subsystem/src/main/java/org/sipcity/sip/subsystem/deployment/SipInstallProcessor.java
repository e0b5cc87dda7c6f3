package org.sipcity.sip.subsystem.deployment;

import jakarta.enterprise.inject.spi.BeanManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.as.server.deployment.Attachments;
import org.jboss.as.server.deployment.DeploymentPhaseContext;
import org.jboss.as.server.deployment.DeploymentUnit;
import org.jboss.as.server.deployment.DeploymentUnitProcessingException;
import org.jboss.as.server.deployment.DeploymentUnitProcessor;
import org.jboss.modules.Module;
import org.jboss.msc.service.ServiceName;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.deployment.SipAnnotations;
import org.sipcity.sip.container.deployment.SipXmlParser;
import org.sipcity.sip.subsystem.SipSubsystemResourceDefinitionRegistrar;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.ServiceInstaller;

/**
 * Turns a marked deployment into a SIP application: reads its {@code sip.xml} and SIP annotations into a
 * {@link SipDeploymentInfo} (sip.xml winning where both speak, JSR 289 §18), and installs a service that deploys it
 * into the running {@link SipContainer} and undeploys it when the deployment goes. The connectors never restart for
 * a (re)deployment: the service depends on the container, not the other way round.
 */
public final class SipInstallProcessor implements DeploymentUnitProcessor {

    @Override
    public void deploy(DeploymentPhaseContext phaseContext) throws DeploymentUnitProcessingException {
        DeploymentUnit unit = phaseContext.getDeploymentUnit();
        SipDeploymentMarker marker = unit.getAttachment(SipDeploymentMarker.KEY);
        if (marker == null) {
            return;
        }
        Module module = unit.getAttachment(Attachments.MODULE);
        String defaultName = unit.getName().substring(0, unit.getName().length() - ".war".length());
        // A CDI deployment: servlets are made by its bean manager once Weld has started (all beans validated).
        ServiceName beanManagerName = unit.getServiceName().append("beanmanager");
        boolean cdi = phaseContext.getServiceRegistry().getService(beanManagerName) != null;
        // Weld's start service has no value: it is only waited for.
        ServiceName weldStartName = unit.getServiceName().append("WeldStartService");
        ServiceDependency<BeanManager> beanManager = cdi
                ? ServiceDependency.<BeanManager>on(beanManagerName).andThen(builder -> builder.requires(weldStartName))
                : ServiceDependency.of(null);
        SipDeploymentInfo info = describe(unit, marker, module.getClassLoader(), defaultName, beanManager);
        String application = info.applicationName();

        ServiceDependency<SipContainer> container = ServiceDependency.on(SipSubsystemResourceDefinitionRegistrar.CONTAINER);
        ServiceName deployed = unit.getServiceName().append("sip", "application");
        ServiceInstaller.builder(() -> {
                    try {
                        container.get().deploy(info);
                    } catch (SipDeploymentException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                    SipLogger.ROOT_LOGGER.applicationDeployed(application, unit.getName());
                    return application;
                })
                .provides(deployed)
                .requires(List.of(container, beanManager))
                .onStop(name -> {
                    container.get().undeploy(name);
                    SipLogger.ROOT_LOGGER.applicationUndeployed(name, unit.getName());
                })
                .blocking()
                .startWhen(StartWhen.INSTALLED)
                .build()
                .install(phaseContext);
        SipJndiBindings.install(phaseContext.getServiceTarget(), defaultName, application, deployed,
                () -> container.get().servletContext(application));
    }

    private static SipDeploymentInfo describe(DeploymentUnit unit, SipDeploymentMarker marker, ClassLoader loader, String defaultName,
                                              Supplier<BeanManager> beanManager) throws DeploymentUnitProcessingException {
        try {
            SipDeploymentInfo.Builder descriptor;
            if (marker.sipXml() != null) {
                try (InputStream in = marker.sipXml().openStream()) {
                    descriptor = SipXmlParser.parse(in, "WEB-INF/sip.xml of " + unit.getName(), defaultName);
                }
            } else {
                descriptor = SipDeploymentInfo.builder(defaultName);
            }
            List<Class<?>> classes = new ArrayList<>(marker.annotatedClasses().size());
            for (String name : marker.annotatedClasses()) {
                classes.add(Class.forName(name, false, loader));
            }
            return SipAnnotations.read(classes, descriptor, defaultName, unit.getName())
                    .classLoader(loader)
                    .instanceFactory(new CdiInstanceFactory(loader, beanManager))
                    .build();
        } catch (IOException | ClassNotFoundException | SipDeploymentException e) {
            throw SipLogger.ROOT_LOGGER.invalidSipApplication(unit.getName(), e.getMessage(), e);
        }
    }
}
