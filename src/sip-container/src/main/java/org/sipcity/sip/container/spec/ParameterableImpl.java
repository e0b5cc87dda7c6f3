package org.sipcity.sip.container.spec;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import javax.servlet.sip.Parameterable;
import javax.servlet.sip.ServletParseException;
import org.sipcity.stack.address.Parameters;
import org.sipcity.stack.message.HeaderValues;

/**
 * A header value with parameters that is not an address: {@code Accept: application/sdp;level=1},
 * {@code Event: reg;id=7}, {@code Subscription-State: active;expires=60} (RFC 3261 §7.3.1 generic form
 * {@code value *(";" generic-param)}).
 */
public final class ParameterableImpl implements Parameterable {

    private String value;
    private final Parameters parameters;
    private boolean readOnly;

    ParameterableImpl(String value, Parameters parameters) {
        this.value = value;
        this.parameters = parameters;
    }

    /** Parses {@code value *(";" name ["=" value])}; quoted values may hold semicolons. */
    public static ParameterableImpl parse(String text) throws ServletParseException {
        if (text == null) {
            throw new ServletParseException("A header value cannot be null");
        }
        int end = nextSemicolon(text, 0);
        String value = text.substring(0, end).trim();
        if (value.isEmpty()) {
            throw new ServletParseException("Empty value before the parameters in '" + text + "'");
        }
        Parameters parameters = new Parameters();
        while (end < text.length()) {
            int next = nextSemicolon(text, end + 1);
            String parameter = text.substring(end + 1, next).trim();
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).trim();
            try {
                parameters.set(name, equals < 0 ? null : parameter.substring(equals + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new ServletParseException("Invalid parameter '" + parameter + "' in '" + text + "'");
            }
            end = next;
        }
        return new ParameterableImpl(value, parameters);
    }

    /** The next ';' outside a quoted string and outside angle brackets, or the length. */
    private static int nextSemicolon(String text, int from) {
        int semicolon = HeaderValues.nextTopLevel(text, from, ';');
        return semicolon < 0 ? text.length() : semicolon;
    }

    /** Makes this value unchangeable: it stands for a system header (JSR 289 §4.1.2). */
    ParameterableImpl readOnly() {
        readOnly = true;
        return this;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("This header value belongs to a system header and cannot be changed");
        }
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public void setValue(String newValue) {
        checkWritable();
        if (newValue == null || newValue.isBlank()) {
            throw new IllegalArgumentException("A value cannot be empty");
        }
        value = newValue.trim();
    }

    @Override
    public String getParameter(String name) {
        return ParameterSupport.get(parameters, name);
    }

    @Override
    public Iterator<String> getParameterNames() {
        return ParameterSupport.names(parameters);
    }

    @Override
    public Set<Map.Entry<String, String>> getParameters() {
        return ParameterSupport.entries(parameters);
    }

    @Override
    public void setParameter(String name, String value) {
        checkWritable();
        ParameterSupport.set(parameters, name, value);
    }

    @Override
    public void removeParameter(String name) {
        checkWritable();
        parameters.remove(name);
    }

    @Override
    public Object clone() {
        return new ParameterableImpl(value, parameters.copy());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterableImpl other && value.equalsIgnoreCase(other.value)
                && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return value.toLowerCase(java.util.Locale.ROOT).hashCode();
    }

    @Override
    public String toString() {
        return value + parameters;
    }
}
