package org.sipcity.sip.subsystem;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSession;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationDefinition;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.SimpleOperationDefinitionBuilder;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.RemoteFlowAddress;
import org.sipcity.stack.transport.SipConnector;
import org.wildfly.common.function.ExceptionFunction;
import org.wildfly.service.capture.FunctionExecutor;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capture.FunctionExecutorRegistry;

/**
 * The flow operations of {@code /subsystem=sip/connector=NAME}: {@code list-flows} and {@code close-flow}. Thin glue:
 * the connector lists and closes ({@link SipConnector#flows}, {@link SipConnector#closeFlowsOf}); this checks the
 * parameters and shapes the reply.
 */
final class FlowOperations {

    /** A connector can hold 300,000 flows: a listing is bounded, by default to a screenful. */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    static final AttributeDefinition REMOTE_ADDRESS = new SimpleAttributeDefinitionBuilder("remote-address", ModelType.STRING)
            .setRequired(false)
            .build();
    static final AttributeDefinition LIMIT = new SimpleAttributeDefinitionBuilder("limit", ModelType.INT)
            .setRequired(false)
            .setDefaultValue(new ModelNode(DEFAULT_LIMIT))
            .setValidator(new IntRangeValidator(1, MAX_LIMIT))
            .build();
    static final AttributeDefinition FLOW_ID = new SimpleAttributeDefinitionBuilder("flow-id", ModelType.STRING)
            .setRequired(false)
            .build();

    private final FunctionExecutorRegistry<SipConnector> connectors;

    FlowOperations(FunctionExecutorRegistry<SipConnector> connectors) {
        this.connectors = connectors;
    }

    void register(ManagementResourceRegistration registration, ResourceDescriptionResolver resolver) {
        OperationDefinition list = new SimpleOperationDefinitionBuilder("list-flows", resolver)
                .setParameters(REMOTE_ADDRESS, LIMIT)
                .setReplyType(ModelType.LIST)
                .setReplyValueType(ModelType.OBJECT)
                .setRuntimeOnly()
                .setReadOnly()
                .build();
        OperationDefinition close = new SimpleOperationDefinitionBuilder("close-flow", resolver)
                .setParameters(FLOW_ID, REMOTE_ADDRESS)
                .setReplyType(ModelType.LIST)
                .setReplyValueType(ModelType.STRING)
                .setRuntimeOnly()
                .build();
        registration.registerOperationHandler(list, this::listFlows);
        registration.registerOperationHandler(close, this::closeFlow);
    }

    private void listFlows(OperationContext context, ModelNode operation) throws OperationFailedException {
        RemoteFlowAddress remote = remoteAddress(context, operation);
        int limit = LIMIT.resolveModelAttribute(context, operation).asInt();
        onConnector(context, connector -> {
            ModelNode reply = new ModelNode().setEmptyList();
            for (Flow flow : connector.flows(remote, limit)) {
                reply.add(describe(flow));
            }
            return reply;
        });
    }

    private void closeFlow(OperationContext context, ModelNode operation) throws OperationFailedException {
        ModelNode id = FLOW_ID.resolveModelAttribute(context, operation);
        RemoteFlowAddress remote = remoteAddress(context, operation);
        if (id.isDefined() == (remote != null)) {
            throw SipLogger.ROOT_LOGGER.closeFlowNeedsOneSelector();
        }
        onConnector(context, connector -> {
            List<Flow> closed = id.isDefined() ? optional(connector.closeFlow(id.asString().strip())) : connector.closeFlowsOf(remote);
            ModelNode reply = new ModelNode().setEmptyList();
            closed.forEach(flow -> reply.add(flow.id()));
            return reply;
        });
    }

    private static List<Flow> optional(Flow flow) {
        return flow == null ? List.of() : List.of(flow);
    }

    private static RemoteFlowAddress remoteAddress(OperationContext context, ModelNode operation) throws OperationFailedException {
        ModelNode value = REMOTE_ADDRESS.resolveModelAttribute(context, operation);
        if (!value.isDefined() || value.asString().isBlank()) {
            return null;
        }
        try {
            return RemoteFlowAddress.parse(value.asString());
        } catch (IllegalArgumentException e) {
            throw SipLogger.ROOT_LOGGER.invalidRemoteAddress(value.asString(), e.getMessage());
        }
    }

    /** Runs {@code work} on the addressed connector in the runtime stage; fails when the connector is not running. */
    private void onConnector(OperationContext context, ExceptionFunction<SipConnector, ModelNode, RuntimeException> work) {
        String name = context.getCurrentAddressValue();
        context.addStep((OperationStepHandler) (ctx, op) -> {
            FunctionExecutor<SipConnector> executor = connectors.getExecutor(
                    ServiceDependency.on(ConnectorResourceDefinitionRegistrar.CONNECTOR, name));
            ModelNode reply = executor == null ? null : executor.execute(connector -> connector == null ? null : work.apply(connector));
            if (reply == null) {
                throw SipLogger.ROOT_LOGGER.connectorNotRunning(name);
            }
            ctx.getResult().set(reply);
        }, OperationContext.Stage.RUNTIME);
    }

    private static ModelNode describe(Flow flow) {
        ModelNode node = new ModelNode();
        node.get("flow-id").set(flow.id());
        node.get("transport").set(flow.transport().name().toLowerCase(Locale.ROOT));
        node.get("remote-address").set(address(flow.remoteAddress()));
        node.get("local-address").set(address(flow.localAddress()));
        node.get("idle-seconds").set(Math.max(0, (System.currentTimeMillis() - flow.lastActivityMillis()) / 1000));
        SSLSession tls = flow.sslSession();
        if (tls != null) {
            node.get("tls-protocol").set(tls.getProtocol());
            node.get("tls-cipher-suite").set(tls.getCipherSuite());
        }
        return node;
    }

    private static String address(InetSocketAddress address) {
        if (address == null || address.getAddress() == null) {
            return String.valueOf(address);
        }
        String ip = io.netty.util.NetUtil.toAddressString(address.getAddress());
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }
}
