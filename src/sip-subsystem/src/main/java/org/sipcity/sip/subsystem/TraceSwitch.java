package org.sipcity.sip.subsystem;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.TraceFilter;
import org.wildfly.service.capture.FunctionExecutor;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capture.FunctionExecutorRegistry;

/**
 * The message trace switch of {@code /subsystem=sip}: attributes {@code trace-aor} and {@code trace-address}, set
 * and cleared at runtime without a reload. They are runtime-only on purpose: a trace an operator forgot must not
 * survive a restart (it writes whole messages to the log), and switching it never touches the configuration
 * file. The stack's {@link org.sipcity.stack.core.MessageTrace} does the work; this only holds the operator's
 * text, checks it, and hands the filter to the running stack (and to a stack that starts later).
 */
final class TraceSwitch {

    static final AttributeDefinition TRACE_AOR = attribute("trace-aor");
    static final AttributeDefinition TRACE_ADDRESS = attribute("trace-address");

    private final FunctionExecutorRegistry<SipStack> stacks;
    private String aor;
    private String address;

    TraceSwitch(FunctionExecutorRegistry<SipStack> stacks) {
        this.stacks = stacks;
    }

    private static AttributeDefinition attribute(String name) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.STRING)
                .setRequired(false)
                .setStorageRuntime()
                .setRuntimeServiceNotRequired()
                .build();
    }

    void register(ManagementResourceRegistration registration) {
        for (AttributeDefinition attribute : new AttributeDefinition[] {TRACE_AOR, TRACE_ADDRESS}) {
            registration.registerReadWriteAttribute(attribute, read(attribute), write(attribute));
        }
    }

    /** Sets the current filter on a stack that is starting. */
    synchronized void applyTo(SipStack stack) {
        if (aor != null || address != null) {
            stack.trace().filter(TraceFilter.of(address, aor));
        }
    }

    private OperationStepHandler read(AttributeDefinition attribute) {
        return (context, operation) -> {
            String value = value(attribute);
            if (value != null) {
                context.getResult().set(value);
            }
        };
    }

    private synchronized String value(AttributeDefinition attribute) {
        return attribute == TRACE_AOR ? aor : address;
    }

    private OperationStepHandler write(AttributeDefinition attribute) {
        return (context, operation) -> {
            ModelNode node = operation.get(ModelDescriptionConstants.VALUE);
            String text = node.isDefined() && !node.asString().isBlank() ? node.asString().strip() : null;
            try {
                TraceFilter.of(attribute == TRACE_ADDRESS ? text : null, attribute == TRACE_AOR ? text : null);
            } catch (IllegalArgumentException e) {
                throw SipLogger.ROOT_LOGGER.invalidTraceFilter(attribute.getName(), text, e.getMessage());
            }
            context.addStep((ctx, op) -> {
                String previous = swap(attribute, text);
                ctx.completeStep((OperationContext.RollbackHandler) (rollbackContext, rolledBack) -> swap(attribute, previous));
            }, OperationContext.Stage.RUNTIME);
        };
    }

    /** Sets one attribute and applies both to the running stack; returns the attribute's previous text. */
    private synchronized String swap(AttributeDefinition attribute, String text) {
        String previous;
        if (attribute == TRACE_AOR) {
            previous = aor;
            aor = text;
        } else {
            previous = address;
            address = text;
        }
        TraceFilter filter = TraceFilter.of(address, aor);
        FunctionExecutor<SipStack> executor = stacks.getExecutor(ServiceDependency.on(SipSubsystemResourceDefinitionRegistrar.STACK));
        if (executor != null) {
            executor.execute(stack -> {
                if (stack != null) {
                    stack.trace().filter(filter);
                }
                return null;
            });
        }
        return previous;
    }
}
