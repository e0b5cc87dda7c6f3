package org.sipcity.sip.subsystem.managedbean;

import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.ACCESS_TYPE;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.DEFAULT;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.DESCRIPTION;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.NILLABLE;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.OPERATION_NAME;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.READ_ONLY;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.REPLY_PROPERTIES;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.REQUEST_PROPERTIES;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.REQUIRED;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.RUNTIME_ONLY;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.STORAGE;
import static org.jboss.as.controller.descriptions.ModelDescriptionConstants.TYPE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.management.Descriptor;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanFeatureInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ObjectName;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.SimpleOperationDefinitionBuilder;
import org.jboss.as.controller.descriptions.NonResolvingResourceDescriptionResolver;
import org.jboss.as.controller.descriptions.OverrideDescriptionProvider;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/**
 * The management face of one MBean interface: its readable attributes and its operations with management names,
 * DMR types and descriptions, read once from the {@link MBeanInfo}. Registered as the override
 * {@code managed-bean=NAME} of the wildcard registration, so that read-resource-description, the CLI's tab
 * completion and HAL show each attribute, operation and parameter with its type and text.
 */
final class ManagedBeanType {

    record Attribute(String name, String jmxName, ModelNode description) {
    }

    /** A parameter is optional when its descriptor gives a default value. */
    record Parameter(String name, String className, ModelNode defaultValue, ModelNode description) {
        boolean required() {
            return !defaultValue.isDefined();
        }
    }

    record Operation(String name, String jmxName, List<Parameter> parameters, boolean readOnly, ModelNode description) {
        String[] signature() {
            return parameters.stream().map(Parameter::className).toArray(String[]::new);
        }
    }

    private final String name;
    private final MBeanInfo info;
    private final Map<String, Attribute> attributes;
    private final Map<String, Operation> operations;

    private ManagedBeanType(String name, MBeanInfo info, Map<String, Attribute> attributes, Map<String, Operation> operations) {
        this.name = name;
        this.info = info;
        this.attributes = attributes;
        this.operations = operations;
    }

    /** Reads an MBean's interface; features that cannot be mapped are left out, with a warning naming them. */
    static ManagedBeanType of(ObjectName objectName, MBeanInfo info) {
        String beanName = ManagedBeanNames.beanName(objectName);
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            String dmrName = ManagedBeanNames.kebab(attribute.getName());
            if (!attribute.isReadable()) {
                continue;
            }
            OpenType<?> type = JmxValues.openType(attribute.getDescriptor(), attribute.getType());
            if (type == null) {
                skip(objectName, "attribute", attribute.getName(), "type " + attribute.getType() + " has no DMR form; use an MXBean or JDK types");
                continue;
            }
            if (ManagedBeanResourceRegistrar.MODEL_ATTRIBUTES.contains(dmrName) || attributes.containsKey(dmrName)) {
                skip(objectName, "attribute", attribute.getName(), dmrName + " is taken");
                continue;
            }
            ModelNode description = new ModelNode();
            JmxValues.describe(type, description);
            description.get(DESCRIPTION).set(text(attribute, attribute.getName()));
            description.get(NILLABLE).set(true);
            description.get(ACCESS_TYPE).set("read-only");
            description.get(STORAGE).set("runtime");
            attributes.put(dmrName, new Attribute(dmrName, attribute.getName(), description));
        }
        Map<String, Operation> operations = new LinkedHashMap<>();
        for (MBeanOperationInfo operation : info.getOperations()) {
            String dmrName = ManagedBeanNames.kebab(operation.getName());
            if (operations.containsKey(dmrName)) {
                skip(objectName, "operation", operation.getName(), "overloaded; only the first signature is shown");
                continue;
            }
            Operation mapped = operation(objectName, dmrName, operation);
            if (mapped != null) {
                operations.put(dmrName, mapped);
            }
        }
        return new ManagedBeanType(beanName, info, Collections.unmodifiableMap(attributes), Collections.unmodifiableMap(operations));
    }

    private static Operation operation(ObjectName objectName, String dmrName, MBeanOperationInfo operation) {
        OpenType<?> replyType = JmxValues.openType(operation.getDescriptor(), operation.getReturnType());
        if (replyType == null) {
            skip(objectName, "operation", operation.getName(), "return type " + operation.getReturnType() + " has no DMR form");
            return null;
        }
        ModelNode description = new ModelNode();
        description.get(OPERATION_NAME).set(dmrName);
        description.get(DESCRIPTION).set(text(operation, operation.getName()));
        ModelNode request = description.get(REQUEST_PROPERTIES).setEmptyObject();
        List<Parameter> parameters = new ArrayList<>();
        MBeanParameterInfo[] signature = operation.getSignature();
        for (int i = 0; i < signature.length; i++) {
            MBeanParameterInfo parameter = signature[i];
            Object declaredName = field(parameter.getDescriptor(), ManagedBeanNames.PARAMETER_NAME);
            String parameterName = ManagedBeanNames.kebab(declaredName != null ? declaredName.toString() : parameter.getName());
            if (!JmxValues.isParameterClass(parameter.getType())) {
                skip(objectName, "operation", operation.getName(), "parameter " + parameterName + " of type " + parameter.getType()
                        + " cannot be given in DMR");
                return null;
            }
            if (request.has(parameterName)) {
                skip(objectName, "operation", operation.getName(), "two parameters are named " + parameterName);
                return null;
            }
            ModelNode parameterDescription = request.get(parameterName);
            JmxValues.describe(JmxValues.openType(parameter.getDescriptor(), parameter.getType()), parameterDescription);
            parameterDescription.get(DESCRIPTION).set(text(parameter, parameterName));
            ModelNode defaultValue = new ModelNode();
            Object declaredDefault = field(parameter.getDescriptor(), ManagedBeanNames.DEFAULT_VALUE);
            if (declaredDefault != null) {
                try {
                    // Typed in the description (INT 100, not "100"), as the CLI and HAL show defaults.
                    defaultValue = JmxValues.toModel(JmxValues.fromModel(new ModelNode(declaredDefault.toString()), parameter.getType()));
                } catch (IllegalArgumentException e) {
                    skip(objectName, "operation", operation.getName(), "default of " + parameterName + ": " + e.getMessage());
                    return null;
                }
                parameterDescription.get(DEFAULT).set(defaultValue);
            }
            Parameter mapped = new Parameter(parameterName, parameter.getType(), defaultValue, parameterDescription);
            parameterDescription.get(REQUIRED).set(mapped.required());
            parameterDescription.get(NILLABLE).set(!mapped.required());
            parameters.add(mapped);
        }
        ModelNode reply = description.get(REPLY_PROPERTIES).setEmptyObject();
        if (replyType != SimpleType.VOID) {
            JmxValues.describe(replyType, reply);
            reply.get(NILLABLE).set(true);
        }
        Object readOnlyField = field(operation.getDescriptor(), ManagedBeanNames.READ_ONLY);
        boolean readOnly = operation.getImpact() == MBeanOperationInfo.INFO
                || Boolean.TRUE.equals(readOnlyField) || "true".equals(readOnlyField);
        description.get(READ_ONLY).set(readOnly);
        description.get(RUNTIME_ONLY).set(true);
        return new Operation(dmrName, operation.getName(), List.copyOf(parameters), readOnly, description);
    }

    /** The descriptor's description, else the info's unless it is the JDK's placeholder text, else the JMX name. */
    private static String text(MBeanFeatureInfo feature, String fallback) {
        Object described = field(feature.getDescriptor(), ManagedBeanNames.DESCRIPTION);
        if (described != null && !described.toString().isBlank()) {
            return described.toString();
        }
        String own = feature.getDescription();
        if (own == null || own.isBlank() || own.equals("Attribute exposed for management")
                || own.equals("Operation exposed for management")) {
            return fallback;
        }
        return own;
    }

    static String description(MBeanInfo info) {
        Object described = field(info.getDescriptor(), ManagedBeanNames.DESCRIPTION);
        if (described != null && !described.toString().isBlank()) {
            return described.toString();
        }
        String own = info.getDescription();
        return own == null || own.equals("Information on the management interface of the MBean") ? "" : own;
    }

    private static Object field(Descriptor descriptor, String name) {
        return descriptor == null ? null : descriptor.getFieldValue(name);
    }

    private static void skip(ObjectName objectName, String kind, String feature, String reason) {
        ManagedBeanLogger.LOGGER.featureSkipped(objectName.toString(), kind, feature, reason);
    }

    String name() {
        return name;
    }

    Map<String, Attribute> attributes() {
        return attributes;
    }

    Map<String, Operation> operations() {
        return operations;
    }

    /** Same interface: two deployments may share the override registration. */
    boolean sameInterfaceAs(MBeanInfo other) {
        return Objects.equals(info.getClassName(), other.getClassName())
                && java.util.Arrays.equals(info.getAttributes(), other.getAttributes())
                && java.util.Arrays.equals(info.getOperations(), other.getOperations());
    }

    /** Registers {@code managed-bean=NAME} under the wildcard: attributes read through, operations invoked. */
    ManagementResourceRegistration register(ManagementResourceRegistration wildcard, ManagedBeanInvoker invoker) {
        ManagementResourceRegistration registration = wildcard.registerOverrideModel(name, new OverrideDescriptionProvider() {
            @Override
            public Map<String, ModelNode> getAttributeOverrideDescriptions(java.util.Locale locale) {
                Map<String, ModelNode> descriptions = new LinkedHashMap<>();
                attributes.values().forEach(attribute -> descriptions.put(attribute.name(), attribute.description().clone()));
                return descriptions;
            }

            @Override
            public Map<String, ModelNode> getChildTypeOverrideDescriptions(java.util.Locale locale) {
                return Map.of();
            }
        });
        for (Attribute attribute : attributes.values()) {
            ModelType type = attribute.description().get(TYPE).asType();
            registration.registerReadOnlyAttribute(new SimpleAttributeDefinitionBuilder(attribute.name(), type)
                    .setRequired(false)
                    .setStorageRuntime()
                    .build(), new ManagedBeanAttributeHandler(this, invoker));
        }
        for (Operation operation : operations.values()) {
            SimpleOperationDefinitionBuilder builder = new SimpleOperationDefinitionBuilder(operation.name(),
                    NonResolvingResourceDescriptionResolver.INSTANCE)
                    .setRuntimeOnly()
                    .setDescriptionProvider(locale -> operation.description().clone());
            if (operation.readOnly()) {
                builder.setReadOnly();
            }
            registration.registerOperationHandler(builder.build(), new ManagedBeanOperationHandler(this, operation, invoker));
        }
        return registration;
    }
}
