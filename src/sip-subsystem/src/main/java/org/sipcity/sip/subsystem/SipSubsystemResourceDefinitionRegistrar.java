package org.sipcity.sip.subsystem;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.SubsystemRegistration;
import org.jboss.as.controller.SubsystemResourceRegistration;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.descriptions.ParentResourceDescriptionResolver;
import org.jboss.as.controller.descriptions.SubsystemResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.as.server.DeploymentProcessorTarget;
import org.jboss.as.server.deployment.Phase;
import org.sipcity.sip.subsystem.deployment.SipDependencyProcessor;
import org.sipcity.sip.subsystem.deployment.SipInstallProcessor;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.sip.subsystem.managedbean.ManagedBeanResourceRegistrar;
import org.sipcity.sip.subsystem.runtime.CapturedValueMetricExecutor;
import org.sipcity.sip.subsystem.runtime.ContainerMetric;
import org.sipcity.sip.subsystem.runtime.OverloadMetric;
import org.sipcity.sip.subsystem.runtime.RouterProperties;
import org.sipcity.sip.subsystem.runtime.StackMetric;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.SubsystemResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.executor.MetricOperationStepHandler;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;
import org.wildfly.subsystem.service.capture.ServiceValueExecutorRegistry;

/**
 * Registers {@code /subsystem=sip}: the settings of the one SIP stack of the server (event loops, RFC 3261 timers,
 * transaction limit), its runtime figures, and its {@code connector} children. Its service creates the
 * {@link SipStack} and provides it as capability {@value #STACK_CAPABILITY_NAME}; every connector requires it.
 *
 * <p>Every setting is read when the stack starts: a change puts the server in reload-required.
 */
public final class SipSubsystemResourceDefinitionRegistrar implements SubsystemResourceDefinitionRegistrar,
        ResourceServiceConfigurator {

    public static final SubsystemResourceRegistration REGISTRATION = SubsystemResourceRegistration.of("sip");
    static final ParentResourceDescriptionResolver RESOLVER =
            new SubsystemResourceDescriptionResolver(REGISTRATION.getName(), SipSubsystemResourceDefinitionRegistrar.class);

    public static final String STACK_CAPABILITY_NAME = "org.sipcity.sip.stack";
    /** The running stack; connectors and (later) deployments depend on it. */
    public static final NullaryServiceDescriptor<SipStack> STACK = NullaryServiceDescriptor.of(STACK_CAPABILITY_NAME, SipStack.class);
    static final RuntimeCapability<Void> STACK_CAPABILITY = RuntimeCapability.Builder.of(STACK).build();

    /** Unset: one event loop per processor. */
    static final AttributeDefinition EVENT_LOOP_THREADS = new SimpleAttributeDefinitionBuilder("event-loop-threads", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(IntRangeValidator.POSITIVE)
            .setRestartAllServices()
            .build();
    /** Native epoll where Netty has it (Linux); NIO otherwise, or when false. */
    static final AttributeDefinition EPOLL = new SimpleAttributeDefinitionBuilder("epoll", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setRestartAllServices()
            .build();
    static final AttributeDefinition T1 = timer("t1", TransactionConfig.DEFAULT_T1);
    static final AttributeDefinition T2 = timer("t2", TransactionConfig.DEFAULT_T2);
    static final AttributeDefinition T4 = timer("t4", TransactionConfig.DEFAULT_T4);
    static final AttributeDefinition MAX_LIVE_TRANSACTIONS = new SimpleAttributeDefinitionBuilder("max-live-transactions", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(TransactionConfig.DEFAULT_MAX_LIVE_TRANSACTIONS))
            .setValidator(IntRangeValidator.POSITIVE)
            .setRestartAllServices()
            .build();

    static final AttributeDefinition WORKER_THREADS = new SimpleAttributeDefinitionBuilder("worker-threads", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipContainerConfig.defaults().workerThreads()))
            .setValidator(IntRangeValidator.POSITIVE)
            .setRestartAllServices()
            .build();
    static final AttributeDefinition WORKER_QUEUE_BOUND = new SimpleAttributeDefinitionBuilder("worker-queue-bound", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipContainerConfig.defaults().queueCapacity()))
            .setValidator(IntRangeValidator.POSITIVE)
            .setRestartAllServices()
            .build();
    /** JSR 289 Appendix C configuration of the default application router; relative paths against the config dir. */
    static final AttributeDefinition APPLICATION_ROUTER_PROPERTIES = new SimpleAttributeDefinitionBuilder("application-router-properties", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setRestartAllServices()
            .build();

    /**
     * False runs every application on the workers, whatever its sip.xml declares: the operator's switch for an
     * application declared inline whose database is a network round trip away.
     */
    static final AttributeDefinition INLINE_DISPATCH = new SimpleAttributeDefinitionBuilder("inline-dispatch", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setRestartAllServices()
            .build();

    static final List<AttributeDefinition> ATTRIBUTES = Stream.concat(Stream.of(EVENT_LOOP_THREADS, EPOLL, T1, T2, T4,
                    MAX_LIVE_TRANSACTIONS, WORKER_THREADS, WORKER_QUEUE_BOUND, APPLICATION_ROUTER_PROPERTIES, INLINE_DISPATCH),
            OverloadValveAttributes.ATTRIBUTES.stream()).toList();

    public static final String CONTAINER_CAPABILITY_NAME = "org.sipcity.sip.container";
    /** The SIP servlet container, the stack's transaction user; deployments are deployed into it. */
    public static final NullaryServiceDescriptor<SipContainer> CONTAINER = NullaryServiceDescriptor.of(CONTAINER_CAPABILITY_NAME, SipContainer.class);
    static final RuntimeCapability<Void> CONTAINER_CAPABILITY = RuntimeCapability.Builder.of(CONTAINER).build();

    private static final int DEPENDENCIES_PRIORITY = 0x3A00;
    private static final int INSTALL_PRIORITY = 0x3A00;

    private final ServiceValueExecutorRegistry<SipStack> stacks = ServiceValueExecutorRegistry.newInstance();
    private final ServiceValueExecutorRegistry<SipContainer> containers = ServiceValueExecutorRegistry.newInstance();
    private final TraceSwitch trace = new TraceSwitch(stacks);

    private static AttributeDefinition timer(String name, Duration defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue.toMillis()))
                .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
                .setValidator(new LongRangeValidator(1))
                .setRestartAllServices()
                .build();
    }

    @Override
    public ManagementResourceRegistration register(SubsystemRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubsystemModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        // Applications' management beans under /deployment=*/subsystem=sip (runtime resources, servers only).
        ManagedBeanResourceRegistrar managedBeans = new ManagedBeanResourceRegistrar();
        if (context.isRuntimeOnlyRegistrationValid()) {
            managedBeans.register(parent);
        }
        ResourceDescriptor descriptor = ResourceDescriptor.builder(RESOLVER)
                .addAttributes(ATTRIBUTES)
                .addCapabilities(List.of(STACK_CAPABILITY, CONTAINER_CAPABILITY))
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this))
                .withDeploymentChainContributor(target -> {
                    addDeploymentProcessors(target);
                    managedBeans.addDeploymentProcessor(target, INSTALL_PRIORITY);
                })
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        if (context.isRuntimeOnlyRegistrationValid()) {
            new MetricOperationStepHandler<>(new CapturedValueMetricExecutor<>(stacks, ctx -> ServiceDependency.on(STACK)),
                    StackMetric.class).register(registration);
            new MetricOperationStepHandler<>(new CapturedValueMetricExecutor<>(containers, ctx -> ServiceDependency.on(CONTAINER)),
                    ContainerMetric.class).register(registration);
            new MetricOperationStepHandler<>(new CapturedValueMetricExecutor<>(stacks, ctx -> ServiceDependency.on(STACK)),
                    OverloadMetric.class).register(registration);
            trace.register(registration);
        }
        new ConnectorResourceDefinitionRegistrar().register(registration, context);
        return registration;
    }

    /** After the web subsystem's dependencies, and late in INSTALL, when the deployment's module and CDI exist. */
    private static void addDeploymentProcessors(DeploymentProcessorTarget target) {
        target.addDeploymentProcessor(REGISTRATION.getName(), Phase.DEPENDENCIES, DEPENDENCIES_PRIORITY, new SipDependencyProcessor());
        target.addDeploymentProcessor(REGISTRATION.getName(), Phase.INSTALL, INSTALL_PRIORITY, new SipInstallProcessor());
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        SipLogger.ROOT_LOGGER.activatingSubsystem();
        SipStackConfig config = new SipStackConfig(transports(context, model), ParserConfig.defaults(), transactions(context, model));
        ModelNode valveModule = OverloadValveAttributes.VALVE_MODULE.resolveModelAttribute(context, model);
        OverloadValveFactory valves = OverloadValveFactory.load(
                OverloadValveAttributes.VALVE_CLASS.resolveModelAttribute(context, model).asString(),
                valveModule.isDefined() ? valveModule.asString() : null,
                OverloadValveAttributes.settings(context, model));
        SipContainerConfig containerConfig = SipContainerConfig.defaults().withWorkers(
                WORKER_THREADS.resolveModelAttribute(context, model).asInt(),
                WORKER_QUEUE_BOUND.resolveModelAttribute(context, model).asInt())
                .withInlineDispatch(INLINE_DISPATCH.resolveModelAttribute(context, model).asBoolean());
        ModelNode routerProperties = APPLICATION_ROUTER_PROPERTIES.resolveModelAttribute(context, model);
        String routerPropertiesPath = routerProperties.isDefined() ? routerProperties.asString() : null;

        // The container first: it is the stack's transaction user. The stack then stops before it (it depends on it),
        // so no message reaches a closed container.
        ResourceServiceInstaller container = CapabilityServiceInstaller.builder(CONTAINER_CAPABILITY, () -> new SipContainer(
                        routerPropertiesPath == null ? containerConfig : containerConfig.withRouterProperties(RouterProperties.load(routerPropertiesPath))))
                .onStop(SipContainer::close)
                .startWhen(StartWhen.INSTALLED)
                .build();
        ServiceDependency<SipContainer> transactionUser = ServiceDependency.on(CONTAINER);
        ResourceServiceInstaller stack = CapabilityServiceInstaller.builder(STACK_CAPABILITY, () -> {
                    // The valve reads the container's worker queue: the sojourn time of its oldest task, its depth.
                    SipStack created = new SipStack(config.withOverloadValve(valves.create(transactionUser.get().metrics())),
                            transactionUser.get());
                    SipLogger.ROOT_LOGGER.overloadValveInstalled(valves.valveClassName());
                    transactionUser.get().bind(created);
                    trace.applyTo(created);
                    SipLogger.ROOT_LOGGER.stackStarted(config.transports().eventLoopThreads(),
                            config.transports().nativeEpoll() ? "epoll" : "nio", config.transactions().toString());
                    return created;
                })
                .requires(transactionUser)
                .onStop(SipStack::close)
                .startWhen(StartWhen.INSTALLED)
                .build();
        return ResourceServiceInstaller.combine(container, stack,
                containers.capture(ServiceDependency.on(CONTAINER)), stacks.capture(ServiceDependency.on(STACK)));
    }

    private static SipTransportsConfig transports(OperationContext context, ModelNode model) throws OperationFailedException {
        SipTransportsConfig.Builder builder = SipTransportsConfig.builder();
        ModelNode threads = EVENT_LOOP_THREADS.resolveModelAttribute(context, model);
        if (threads.isDefined()) {
            builder.eventLoopThreads(threads.asInt());
        }
        boolean epoll = EPOLL.resolveModelAttribute(context, model).asBoolean();
        if (epoll && !io.netty.channel.epoll.Epoll.isAvailable()) {
            // Asking for epoll is the default: where the platform lacks it, NIO serves, and the log says why.
            SipLogger.ROOT_LOGGER.epollUnavailable(io.netty.channel.epoll.Epoll.unavailabilityCause());
            epoll = false;
        }
        return builder.nativeEpoll(epoll).build();
    }

    private static TransactionConfig transactions(OperationContext context, ModelNode model) throws OperationFailedException {
        try {
            return TransactionConfig.builder()
                    .t1(Duration.ofMillis(T1.resolveModelAttribute(context, model).asLong()))
                    .t2(Duration.ofMillis(T2.resolveModelAttribute(context, model).asLong()))
                    .t4(Duration.ofMillis(T4.resolveModelAttribute(context, model).asLong()))
                    .maxLiveTransactions(MAX_LIVE_TRANSACTIONS.resolveModelAttribute(context, model).asInt())
                    .build();
        } catch (IllegalArgumentException e) {
            // T2 below T1 and the like: the relations RFC 3261 Table 4 relies on.
            throw SipLogger.ROOT_LOGGER.invalidTimers(e.getMessage());
        }
    }
}
