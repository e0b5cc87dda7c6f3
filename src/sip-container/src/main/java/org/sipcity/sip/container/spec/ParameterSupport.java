package org.sipcity.sip.container.spec;

import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.sipcity.stack.address.Parameters;

/** Views of the stack's {@link Parameters} in the shapes JSR 289 asks for. */
final class ParameterSupport {

    private ParameterSupport() {
    }

    static Iterator<String> names(Parameters parameters) {
        return parameters.names().iterator();
    }

    /** A snapshot of the parameters; JSR 289 gives flag parameters the empty string as value. */
    static Set<Map.Entry<String, String>> entries(Parameters parameters) {
        Set<Map.Entry<String, String>> entries = new LinkedHashSet<>();
        for (String name : parameters.names()) {
            String value = parameters.get(name);
            entries.add(new AbstractMap.SimpleImmutableEntry<>(name, value == null ? "" : value));
        }
        return entries;
    }

    /** JSR 289 (Parameterable#getParameter): the empty string for a flag parameter, null when absent. */
    static String get(Parameters parameters, String name) {
        if (!parameters.has(name)) {
            return null;
        }
        String value = parameters.get(name);
        return value == null ? "" : value;
    }

    /** JSR 289: a null or empty value sets a flag parameter. */
    static void set(Parameters parameters, String name, String value) {
        if (name == null) {
            throw new NullPointerException("parameter name");
        }
        parameters.set(name, value == null || value.isEmpty() ? null : value);
    }
}
