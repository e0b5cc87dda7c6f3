package org.sipcity.sip.subsystem.managedbean;

import java.util.Locale;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The conventions an application follows to publish management beans, all JDK JMX:
 * <ul>
 * <li>Object name {@code org.sipcity.sip:application=APP,name=BEAN}: {@code APP} is the JSR 289 application name
 * (which the container keeps unique), {@code BEAN} the resource name under {@code managed-bean}. The application name
 * rather than the archive name, because an application knows its own name without knowing the server.</li>
 * <li>JMX names become management names in kebab case: attribute {@code BindingCount} is {@code binding-count},
 * operation {@code listBindings} is {@code list-bindings}, composite item {@code remoteAddress} is
 * {@code remote-address}.</li>
 * <li>Descriptor fields (set with {@code @javax.management.DescriptorKey} annotations on the MBean interface, or by a
 * {@code StandardMBean} subclass): {@value #DESCRIPTION} on the interface, attributes, operations and parameters;
 * {@value #PARAMETER_NAME} on parameters (the JDK otherwise names them {@code p0}, {@code p1}...);
 * {@value #DEFAULT_VALUE} on a parameter makes it optional; {@value #READ_ONLY} {@code true} on an operation (or impact
 * {@code INFO}) makes it a read-only management operation, which the Monitor role may run.</li>
 * </ul>
 */
public final class ManagedBeanNames {

    public static final String DOMAIN = "org.sipcity.sip";
    public static final String APPLICATION_KEY = "application";
    public static final String NAME_KEY = "name";

    static final String DESCRIPTION = "description";
    static final String PARAMETER_NAME = "name";
    static final String DEFAULT_VALUE = "defaultValue";
    static final String READ_ONLY = "readOnly";

    private ManagedBeanNames() {
    }

    /** Every bean of every application; filter with {@link #application} (the value may be quoted or not). */
    static final ObjectName ALL;

    static {
        try {
            ALL = new ObjectName(DOMAIN + ":*");
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The application a name belongs to, or null when the name does not follow the convention. */
    static String application(ObjectName name) {
        if (!DOMAIN.equals(name.getDomain()) || name.getKeyPropertyList().size() != 2) {
            return null;
        }
        String application = name.getKeyProperty(APPLICATION_KEY);
        return application == null || name.getKeyProperty(NAME_KEY) == null ? null : unquote(application);
    }

    static String beanName(ObjectName name) {
        return unquote(name.getKeyProperty(NAME_KEY));
    }

    private static String unquote(String value) {
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    /** {@code BindingCount} → {@code binding-count}, {@code importCsv} → {@code import-csv}, {@code AORCount} → {@code aor-count}. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = camel.charAt(i - 1);
                boolean wordStart = Character.isLowerCase(before) || Character.isDigit(before)
                        || (Character.isUpperCase(before) && i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1)));
                if (wordStart && out.charAt(out.length() - 1) != '-') {
                    out.append('-');
                }
            }
            out.append(c == '_' ? '-' : Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
