package org.sipcity.sip.subsystem.managedbean;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Date;
import java.util.Map;
import javax.management.Descriptor;
import javax.management.ObjectName;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularType;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/**
 * JMX types and values to DMR and back. Types are described from the MXBean {@code openType} descriptor field when
 * there is one (composite and tabular data keep their structure), else from the Java class name; values are
 * converted by what they are at run time.
 */
final class JmxValues {

    private static final Map<String, SimpleType<?>> SIMPLE_CLASSES = Map.ofEntries(
            Map.entry("java.lang.String", SimpleType.STRING), Map.entry("char", SimpleType.CHARACTER),
            Map.entry("java.lang.Character", SimpleType.CHARACTER), Map.entry("boolean", SimpleType.BOOLEAN),
            Map.entry("java.lang.Boolean", SimpleType.BOOLEAN), Map.entry("byte", SimpleType.BYTE),
            Map.entry("java.lang.Byte", SimpleType.BYTE), Map.entry("short", SimpleType.SHORT),
            Map.entry("java.lang.Short", SimpleType.SHORT), Map.entry("int", SimpleType.INTEGER),
            Map.entry("java.lang.Integer", SimpleType.INTEGER), Map.entry("long", SimpleType.LONG),
            Map.entry("java.lang.Long", SimpleType.LONG), Map.entry("float", SimpleType.FLOAT),
            Map.entry("java.lang.Float", SimpleType.FLOAT), Map.entry("double", SimpleType.DOUBLE),
            Map.entry("java.lang.Double", SimpleType.DOUBLE), Map.entry("java.math.BigDecimal", SimpleType.BIGDECIMAL),
            Map.entry("java.math.BigInteger", SimpleType.BIGINTEGER), Map.entry("java.util.Date", SimpleType.DATE),
            Map.entry("javax.management.ObjectName", SimpleType.OBJECTNAME), Map.entry("void", SimpleType.VOID),
            Map.entry("java.lang.Void", SimpleType.VOID));

    private JmxValues() {
    }

    /** The open type of a feature: the MXBean descriptor's, else one derived from the class name; null if neither. */
    static OpenType<?> openType(Descriptor descriptor, String className) {
        Object declared = descriptor == null ? null : descriptor.getFieldValue("openType");
        if (declared instanceof OpenType<?> open) {
            return open;
        }
        SimpleType<?> simple = SIMPLE_CLASSES.get(className);
        if (simple != null) {
            return simple;
        }
        if (className.startsWith("[")) {
            try {
                Class<?> arrayClass = Class.forName(className, false, ClassLoader.getPlatformClassLoader());
                Class<?> component = arrayClass.getComponentType();
                if (component.isPrimitive()) {
                    return ArrayType.getPrimitiveArrayType(arrayClass);
                }
                SimpleType<?> element = SIMPLE_CLASSES.get(component.getName());
                return element == null ? null : new ArrayType<>(1, element);
            } catch (ClassNotFoundException | javax.management.openmbean.OpenDataException e) {
                return null;
            }
        }
        return null;
    }

    /** Whether values of this class can be given as an operation parameter. */
    static boolean isParameterClass(String className) {
        SimpleType<?> simple = SIMPLE_CLASSES.get(className);
        return (simple != null && simple != SimpleType.VOID && simple != SimpleType.DATE && simple != SimpleType.OBJECTNAME)
                || "[Ljava.lang.String;".equals(className);
    }

    /** Writes {@code type} (and {@code value-type}) of an open type into a description node. */
    static void describe(OpenType<?> type, ModelNode target) {
        if (type instanceof ArrayType<?> array) {
            target.get(ModelDescriptionConstants.TYPE).set(ModelType.LIST);
            OpenType<?> element = array.getDimension() > 1 ? null : array.getElementOpenType();
            describeValueType(element, target);
        } else if (type instanceof TabularType tabular) {
            target.get(ModelDescriptionConstants.TYPE).set(ModelType.LIST);
            describeValueType(tabular.getRowType(), target);
        } else if (type instanceof CompositeType composite) {
            target.get(ModelDescriptionConstants.TYPE).set(ModelType.OBJECT);
            describeItems(composite, target.get(ModelDescriptionConstants.VALUE_TYPE));
        } else if (type instanceof SimpleType<?> simple) {
            target.get(ModelDescriptionConstants.TYPE).set(modelType(simple));
        } else {
            target.get(ModelDescriptionConstants.TYPE).set(ModelType.STRING);
        }
    }

    private static void describeValueType(OpenType<?> element, ModelNode target) {
        if (element instanceof CompositeType composite) {
            describeItems(composite, target.get(ModelDescriptionConstants.VALUE_TYPE));
        } else if (element instanceof SimpleType<?> simple) {
            target.get(ModelDescriptionConstants.VALUE_TYPE).set(modelType(simple));
        } else {
            // Arrays of arrays and the like: their elements come back as lists.
            target.get(ModelDescriptionConstants.VALUE_TYPE).set(ModelType.LIST);
        }
    }

    private static void describeItems(CompositeType composite, ModelNode fields) {
        for (String item : composite.keySet()) {
            ModelNode field = fields.get(ManagedBeanNames.kebab(item));
            describe(composite.getType(item), field);
            field.get(ModelDescriptionConstants.DESCRIPTION).set(composite.getDescription(item));
            field.get(ModelDescriptionConstants.NILLABLE).set(true);
        }
    }

    static ModelType modelType(SimpleType<?> simple) {
        if (simple == SimpleType.BOOLEAN) {
            return ModelType.BOOLEAN;
        } else if (simple == SimpleType.INTEGER || simple == SimpleType.SHORT || simple == SimpleType.BYTE) {
            return ModelType.INT;
        } else if (simple == SimpleType.LONG || simple == SimpleType.DATE) {
            return ModelType.LONG;
        } else if (simple == SimpleType.DOUBLE || simple == SimpleType.FLOAT) {
            return ModelType.DOUBLE;
        } else if (simple == SimpleType.BIGDECIMAL) {
            return ModelType.BIG_DECIMAL;
        } else if (simple == SimpleType.BIGINTEGER) {
            return ModelType.BIG_INTEGER;
        } else if (simple == SimpleType.VOID) {
            return ModelType.UNDEFINED;
        }
        return ModelType.STRING;
    }

    /** A JMX value as DMR: composite data become objects with kebab-case keys, arrays and tables lists. */
    static ModelNode toModel(Object value) {
        ModelNode node = new ModelNode();
        if (value == null) {
            return node;
        } else if (value instanceof String || value instanceof Character || value instanceof ObjectName || value instanceof Enum<?>) {
            node.set(value.toString());
        } else if (value instanceof Boolean b) {
            node.set(b);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            node.set(((Number) value).intValue());
        } else if (value instanceof Long l) {
            node.set(l);
        } else if (value instanceof Double || value instanceof Float) {
            node.set(((Number) value).doubleValue());
        } else if (value instanceof BigDecimal d) {
            node.set(d);
        } else if (value instanceof BigInteger i) {
            node.set(i);
        } else if (value instanceof Date date) {
            node.set(date.getTime());
        } else if (value instanceof CompositeData composite) {
            node.setEmptyObject();
            for (String item : composite.getCompositeType().keySet()) {
                node.get(ManagedBeanNames.kebab(item)).set(toModel(composite.get(item)));
            }
        } else if (value instanceof TabularData table) {
            node.setEmptyList();
            for (Object row : table.values()) {
                node.add(toModel(row));
            }
        } else if (value.getClass().isArray()) {
            node.setEmptyList();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                node.add(toModel(Array.get(value, i)));
            }
        } else {
            node.set(value.toString());
        }
        return node;
    }

    /**
     * A DMR parameter value as the Java value of the parameter's class ({@link #isParameterClass}).
     *
     * @throws IllegalArgumentException when the value does not fit
     */
    static Object fromModel(ModelNode value, String className) {
        if (!value.isDefined()) {
            if (Character.isLowerCase(className.charAt(0)) && !className.contains(".")) {
                throw new IllegalArgumentException("a value is required");
            }
            return null;
        }
        try {
            return convert(value, className);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a whole number expected, found '" + value.asString() + "'");
        }
    }

    private static Object convert(ModelNode value, String className) {
        return switch (className) {
            case "java.lang.String" -> value.asString();
            case "char", "java.lang.Character" -> {
                String text = value.asString();
                if (text.length() != 1) {
                    throw new IllegalArgumentException("one character expected, found '" + text + "'");
                }
                yield text.charAt(0);
            }
            case "boolean", "java.lang.Boolean" -> booleanOf(value);
            case "byte", "java.lang.Byte" -> (byte) intIn(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case "short", "java.lang.Short" -> (short) intIn(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case "int", "java.lang.Integer" -> (int) intIn(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "long", "java.lang.Long" -> number(value).longValueExact();
            case "float", "java.lang.Float" -> number(value).floatValue();
            case "double", "java.lang.Double" -> number(value).doubleValue();
            case "java.math.BigDecimal" -> number(value);
            case "java.math.BigInteger" -> number(value).toBigIntegerExact();
            case "[Ljava.lang.String;" -> value.asList().stream().map(ModelNode::asString).toArray(String[]::new);
            default -> throw new IllegalArgumentException("parameters of type " + className + " are not supported");
        };
    }

    private static boolean booleanOf(ModelNode value) {
        if (value.getType() == ModelType.BOOLEAN) {
            return value.asBoolean();
        }
        String text = value.asString();
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("true or false expected, found '" + text + "'");
    }

    private static long intIn(ModelNode value, long min, long max) {
        long n;
        try {
            n = number(value).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a whole number expected, found '" + value.asString() + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(n + " is outside " + min + ".." + max);
        }
        return n;
    }

    private static BigDecimal number(ModelNode value) {
        try {
            return new BigDecimal(value.asString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number expected, found '" + value.asString() + "'");
        }
    }
}
