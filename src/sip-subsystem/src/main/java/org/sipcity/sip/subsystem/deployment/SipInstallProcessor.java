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
import org.jboss.as.server.deployment.annotation.CompositeIndex;
import org.jboss.as.ee.naming.JavaNamespaceSetup;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.MethodInfo;
import org.jboss.modules.Module;
import org.jboss.msc.service.ServiceName;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.DispatchMode;
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

    private static final DotName RESOURCE = DotName.createSimple("jakarta.annotation.Resource");

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
        ServiceDependency<SipContainer> container = ServiceDependency.on(SipSubsystemResourceDefinitionRegistrar.CONTAINER);
        SipDeploymentInfo.Builder builder = describe(unit, marker, module.getClassLoader(), defaultName, beanManager);
        String application = builder.applicationName();
        unit.putAttachment(SipApplicationName.KEY, application);

        List<ServiceDependency<?>> requirements = new ArrayList<>(List.of(container, beanManager));
        // Servlet code runs on the container's workers: give it the module's java: namespace there (JSR 289 §18.2
        // lookups and @Resource), as Undertow does for HTTP servlets.
        JavaNamespaceSetup namespace = unit.getAttachment(org.jboss.as.ee.naming.Attachments.JAVA_NAMESPACE_SETUP_ACTION);
        if (namespace != null) {
            builder.addThreadSetup(new NamingThreadSetup(namespace));
            namespace.dependencies().forEach(name -> requirements.add(ServiceDependency.on(name)));
        }
        SipJndiBindings bindings = new SipJndiBindings(defaultName, application);
        addResourceReferences(unit, bindings);
        builder.addInitializer(bindings.initializer());
        bindings.install(phaseContext.getServiceTarget()).forEach(name -> requirements.add(ServiceDependency.on(name)));
        SipDeploymentInfo info = builder.build();
        try {
            DispatchMode declared = DispatchMode.declaredBy(info.contextParameters(), unit.getName());
            // The container knows the effective mode once the application is deployed into it.
            unit.putAttachment(SipDispatchMode.KEY, new SipDispatchMode(declared, () -> {
                try {
                    SipContainer running = container.get();
                    return running == null ? null : running.dispatchMode(application);
                } catch (RuntimeException notStartedYet) {
                    return null;   // the dependency has no value before the deploying service started
                }
            }));
        } catch (SipDeploymentException e) {
            throw SipLogger.ROOT_LOGGER.invalidSipApplication(unit.getName(), e.getMessage(), e);
        }

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
                .requires(requirements)
                .onStop(name -> {
                    container.get().undeploy(name);
                    SipLogger.ROOT_LOGGER.applicationUndeployed(name, unit.getName());
                })
                .blocking()
                .startWhen(StartWhen.INSTALLED)
                .build()
                .install(phaseContext);
    }

    /**
     * JSR 289 §18.2.1 / JSR 250: each {@code @Resource} of a SIP service type without a {@code lookup} is injected from
     * the name it resolves to, {@code name} or by default {@code CLASS/PROPERTY}; bind the service there.
     */
    private static void addResourceReferences(DeploymentUnit unit, SipJndiBindings bindings) throws DeploymentUnitProcessingException {
        CompositeIndex index = unit.getAttachment(Attachments.COMPOSITE_ANNOTATION_INDEX);
        if (index == null) {
            return;
        }
        for (AnnotationInstance resource : index.getAnnotations(RESOURCE)) {
            AnnotationTarget target = resource.target();
            String type;
            String declaringClass;
            String property;
            if (target.kind() == AnnotationTarget.Kind.FIELD) {
                FieldInfo field = target.asField();
                type = field.type().name().toString();
                declaringClass = field.declaringClass().name().toString();
                property = field.name();
            } else if (target.kind() == AnnotationTarget.Kind.METHOD && target.asMethod().parametersCount() == 1
                    && target.asMethod().name().startsWith("set") && target.asMethod().name().length() > 3) {
                MethodInfo setter = target.asMethod();
                type = setter.parameterType(0).name().toString();
                declaringClass = setter.declaringClass().name().toString();
                property = Character.toLowerCase(setter.name().charAt(3)) + setter.name().substring(4);
            } else {
                continue;
            }
            AnnotationValue lookup = resource.value("lookup");
            if (!SipJndiBindings.SERVICE_TYPES.contains(type) || (lookup != null && !lookup.asString().isEmpty())) {
                continue;
            }
            AnnotationValue name = resource.value("name");
            String envName = name != null && !name.asString().isEmpty() ? name.asString() : declaringClass + "/" + property;
            if (envName.startsWith("java:comp/env/")) {
                envName = envName.substring("java:comp/env/".length());
            }
            if (!bindings.addResourceReference(envName, type)) {
                throw SipLogger.ROOT_LOGGER.invalidSipApplication(unit.getName(), "@Resource " + declaringClass + "." + property
                        + " names java:comp/env/" + envName + ", which is already bound to another SIP service", null);
            }
        }
    }

    private static SipDeploymentInfo.Builder describe(DeploymentUnit unit, SipDeploymentMarker marker, ClassLoader loader, String defaultName,
                                              Supplier<BeanManager> beanManager) throws DeploymentUnitProcessingException {
        try {
            SipDeploymentInfo.Builder descriptor;
            if (marker.sipXml() != null) {
                try (InputStream in = marker.sipXml().openStream()) {
                    descriptor = SipXmlParser.parse(in, "WEB-INF/sip.xml of " + unit.getName(), defaultName);
                }
            } else {
                descriptor = null;   // annotations only: @SipApplication names the main servlet (JSR 289 §18.2)
            }
            List<Class<?>> classes = new ArrayList<>(marker.annotatedClasses().size());
            for (String name : marker.annotatedClasses()) {
                classes.add(Class.forName(name, false, loader));
            }
            return SipAnnotations.read(classes, descriptor, defaultName, unit.getName())
                    .classLoader(loader)
                    .instanceFactory(new CdiInstanceFactory(loader, beanManager));
        } catch (IOException | ClassNotFoundException | SipDeploymentException e) {
            throw SipLogger.ROOT_LOGGER.invalidSipApplication(unit.getName(), e.getMessage(), e);
        }
    }
}
