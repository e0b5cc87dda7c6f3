package org.sipcity.sip.subsystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.ManagedBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.sip.subsystem.runtime.CapturedValueMetricExecutor;
import org.sipcity.sip.subsystem.runtime.ConnectorMetric;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.executor.MetricOperationStepHandler;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;
import org.wildfly.subsystem.service.capture.ServiceValueExecutorRegistry;

/**
 * Registers {@code /subsystem=sip/connector=NAME}: one listening socket (or, with epoll and {@code reuse-port}, one
 * per event loop) of one transport, bound to the address and port of a socket binding, so that interfaces and the
 * port offset apply as to every other listener of the server. Its service starts the connector on the stack and
 * provides it as capability {@value #CONNECTOR_CAPABILITY_NAME}; its counters are runtime attributes.
 *
 * <p>A port already taken fails the service with the connector and address named in the message, and the server
 * reports the failure (WFLYCTL0080) instead of running without that listener unnoticed.
 */
final class ConnectorResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final String CONNECTOR_CAPABILITY_NAME = "org.sipcity.sip.connector";
    static final UnaryServiceDescriptor<SipConnector> CONNECTOR = UnaryServiceDescriptor.of(CONNECTOR_CAPABILITY_NAME, SipConnector.class);
    static final RuntimeCapability<Void> CONNECTOR_CAPABILITY = RuntimeCapability.Builder.of(CONNECTOR)
            .addRequirements(SipSubsystemResourceDefinitionRegistrar.STACK_CAPABILITY_NAME)
            .build();
    /** Elytron's capability for an SSLContext (a server-ssl-context resource). */
    static final UnaryServiceDescriptor<SSLContext> SSL_CONTEXT_DESCRIPTOR = UnaryServiceDescriptor.of("org.wildfly.security.ssl-context", SSLContext.class);

    static final CapabilityReferenceAttributeDefinition<SocketBinding> SOCKET_BINDING = new CapabilityReferenceAttributeDefinition.Builder<>(
            "socket-binding", CapabilityReference.builder(CONNECTOR_CAPABILITY, SocketBinding.SERVICE_DESCRIPTOR).build())
            .setRestartAllServices()
            .build();
    static final AttributeDefinition TRANSPORT = new SimpleAttributeDefinitionBuilder("transport", ModelType.STRING)
            .setAllowExpression(true)
            .setAllowedValues("udp", "tcp", "tls")
            .setValidator(new TransportValidator())
            .setRestartAllServices()
            .build();
    static final AttributeDefinition BACKLOG = intAttribute("backlog", 1024, null);
    static final AttributeDefinition REUSE_PORT = new SimpleAttributeDefinitionBuilder("reuse-port", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setRestartAllServices()
            .build();
    static final AttributeDefinition MAX_CONNECTIONS = intAttribute("max-connections", 100_000, null);
    /** 0 disables closing idle connections. */
    static final AttributeDefinition IDLE_TIMEOUT = new SimpleAttributeDefinitionBuilder("idle-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(Duration.ofHours(2).toSeconds()))
            .setMeasurementUnit(MeasurementUnit.SECONDS)
            .setValidator(new LongRangeValidator(0))
            .setRestartAllServices()
            .build();
    /** 0 (the default) leaves TCP_DEFER_ACCEPT off; stream transports only. */
    static final AttributeDefinition DEFER_ACCEPT = new SimpleAttributeDefinitionBuilder("defer-accept", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.ZERO_LONG)
            .setMeasurementUnit(MeasurementUnit.SECONDS)
            .setValidator(new LongRangeValidator(0))
            .setRestartAllServices()
            .build();
    static final AttributeDefinition WRITE_BUFFER_LOW_WATER_MARK = intAttribute("write-buffer-low-water-mark", 32 * 1024, MeasurementUnit.BYTES);
    static final AttributeDefinition WRITE_BUFFER_HIGH_WATER_MARK = intAttribute("write-buffer-high-water-mark", 64 * 1024, MeasurementUnit.BYTES);
    /** Undefined: 16 times the high water mark (the transport's default). */
    static final AttributeDefinition WRITE_QUEUE_LIMIT = new SimpleAttributeDefinitionBuilder("write-queue-limit", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setMeasurementUnit(MeasurementUnit.BYTES)
            .setValidator(IntRangeValidator.POSITIVE)
            .setRestartAllServices()
            .build();
    /** Undefined: the transport's default (a stream connection's, or a UDP socket's 4 MiB). */
    static final AttributeDefinition RECEIVE_BUFFER_SIZE = bufferSizeAttribute("receive-buffer-size");
    /** Undefined: the OS default. */
    static final AttributeDefinition SEND_BUFFER_SIZE = bufferSizeAttribute("send-buffer-size");
    static final AttributeDefinition MAX_MESSAGE_SIZE = intAttribute("max-message-size", FramingConfig.defaults().maxMessageSize(), MeasurementUnit.BYTES);
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = new CapabilityReferenceAttributeDefinition.Builder<>(
            "ssl-context", CapabilityReference.builder(CONNECTOR_CAPABILITY, SSL_CONTEXT_DESCRIPTOR).build())
            .setRequired(false)
            .setRestartAllServices()
            .build();

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SOCKET_BINDING, TRANSPORT, BACKLOG, REUSE_PORT, MAX_CONNECTIONS,
            IDLE_TIMEOUT, DEFER_ACCEPT, WRITE_BUFFER_LOW_WATER_MARK, WRITE_BUFFER_HIGH_WATER_MARK, WRITE_QUEUE_LIMIT, MAX_MESSAGE_SIZE,
            RECEIVE_BUFFER_SIZE, SEND_BUFFER_SIZE, SSL_CONTEXT);

    private final ServiceValueExecutorRegistry<SipConnector> connectors = ServiceValueExecutorRegistry.newInstance();

    private static AttributeDefinition bufferSizeAttribute(String name) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setMeasurementUnit(MeasurementUnit.BYTES)
                .setValidator(IntRangeValidator.POSITIVE)
                .setRestartAllServices()
                .build();
    }

    private static AttributeDefinition intAttribute(String name, int defaultValue, MeasurementUnit unit) {
        SimpleAttributeDefinitionBuilder builder = new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setValidator(IntRangeValidator.POSITIVE)
                .setRestartAllServices();
        if (unit != null) {
            builder.setMeasurementUnit(unit);
        }
        return builder.build();
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        var resolver = SipSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(SipResourceRegistration.CONNECTOR.getPathElement());
        ManagementResourceRegistration registration = parent.registerSubModel(
                ResourceDefinition.builder(SipResourceRegistration.CONNECTOR, resolver).build());
        ResourceDescriptor descriptor = ResourceDescriptor.builder(resolver)
                .addAttributes(ATTRIBUTES)
                .addCapability(CONNECTOR_CAPABILITY)
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this))
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        if (context.isRuntimeOnlyRegistrationValid()) {
            new MetricOperationStepHandler<>(new CapturedValueMetricExecutor<>(connectors,
                    ctx -> ServiceDependency.on(CONNECTOR, ctx.getCurrentAddressValue())), ConnectorMetric.class).register(registration);
            new FlowOperations(connectors).register(registration, resolver);
        }
        return registration;
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        String name = context.getCurrentAddressValue();
        TransportType transport = TransportType.valueOf(TRANSPORT.resolveModelAttribute(context, model).asString().toUpperCase(Locale.ROOT));
        boolean tls = transport == TransportType.TLS;
        boolean hasSslContext = model.hasDefined(SSL_CONTEXT.getName());
        if (tls != hasSslContext) {
            throw tls ? SipLogger.ROOT_LOGGER.tlsNeedsSslContext(name) : SipLogger.ROOT_LOGGER.sslContextOnlyForTls(name, transport.name());
        }
        long deferAccept = DEFER_ACCEPT.resolveModelAttribute(context, model).asLong();
        if (deferAccept > 0 && transport == TransportType.UDP) {
            throw SipLogger.ROOT_LOGGER.deferAcceptOnlyForStreams(name);
        }
        int low = WRITE_BUFFER_LOW_WATER_MARK.resolveModelAttribute(context, model).asInt();
        int high = WRITE_BUFFER_HIGH_WATER_MARK.resolveModelAttribute(context, model).asInt();
        if (low > high) {
            throw SipLogger.ROOT_LOGGER.waterMarksInverted(name, low, high);
        }
        ModelNode writeQueueLimit = WRITE_QUEUE_LIMIT.resolveModelAttribute(context, model);
        if (writeQueueLimit.isDefined() && writeQueueLimit.asInt() < high) {
            throw SipLogger.ROOT_LOGGER.writeQueueLimitBelowHighWaterMark(name, writeQueueLimit.asInt(), high);
        }
        int maxMessageSize = MAX_MESSAGE_SIZE.resolveModelAttribute(context, model).asInt();
        FramingConfig defaultFraming = FramingConfig.defaults();
        SipConnectorConfig.Builder settings = SipConnectorConfig.builder(name, transport)
                .backlog(BACKLOG.resolveModelAttribute(context, model).asInt())
                .reusePort(REUSE_PORT.resolveModelAttribute(context, model).asBoolean())
                .maxConnections(MAX_CONNECTIONS.resolveModelAttribute(context, model).asInt())
                .idleTimeout(Duration.ofSeconds(IDLE_TIMEOUT.resolveModelAttribute(context, model).asLong()))
                .deferAccept(Duration.ofSeconds(deferAccept))
                .writeBufferWaterMarks(low, high)
                // The header block can never be larger than the whole message.
                .framing(new FramingConfig(maxMessageSize, Math.min(defaultFraming.maxHeaderSize(), maxMessageSize)));

        if (writeQueueLimit.isDefined()) {
            settings.writeQueueLimit(writeQueueLimit.asInt());
        }
        ModelNode receiveBuffer = RECEIVE_BUFFER_SIZE.resolveModelAttribute(context, model);
        if (receiveBuffer.isDefined()) {
            settings.receiveBufferSize(receiveBuffer.asInt());
        }
        ModelNode sendBuffer = SEND_BUFFER_SIZE.resolveModelAttribute(context, model);
        if (sendBuffer.isDefined()) {
            settings.sendBufferSize(sendBuffer.asInt());
        }

        ServiceDependency<SipStack> stack = ServiceDependency.on(SipSubsystemResourceDefinitionRegistrar.STACK);
        ServiceDependency<SocketBinding> binding = SOCKET_BINDING.resolve(context, model);
        ServiceDependency<SSLContext> sslContext = tls ? SSL_CONTEXT.resolve(context, model) : ServiceDependency.of(null);

        // What the socket binding shows as bound (bound-port, read-resource of the binding), while the connector runs.
        AtomicReference<ManagedBinding> registered = new AtomicReference<>();
        ResourceServiceInstaller connector = CapabilityServiceInstaller.builder(CONNECTOR_CAPABILITY, () -> {
                    SocketBinding socketBinding = binding.get();
                    settings.bindAddress(socketBinding.getSocketAddress());
                    if (tls) {
                        settings.sslContext(sslContext.get());
                    }
                    SipConnector started;
                    try {
                        started = stack.get().start(settings.build());
                    } catch (IOException e) {
                        // The message names the connector, transport and address (SipConnector.bindFailure).
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                    ManagedBinding managed = ManagedBinding.Factory.createSimpleManagedBinding(socketBinding.getName(),
                            started.localAddress(), started::close);
                    socketBinding.getSocketBindings().getNamedRegistry().registerBinding(managed);
                    registered.set(managed);
                    return started;
                })
                .requires(List.of(stack, binding, sslContext))
                .onStop(started -> {
                    ManagedBinding managed = registered.getAndSet(null);
                    if (managed != null) {
                        binding.get().getSocketBindings().getNamedRegistry().unregisterBinding(managed);
                    }
                    started.close();
                })
                .blocking()
                .startWhen(StartWhen.INSTALLED)
                .build();
        return ResourceServiceInstaller.combine(connector, connectors.capture(ServiceDependency.on(CONNECTOR, name)));
    }
}
