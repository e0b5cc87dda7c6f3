package org.sipcity.sip.container.spec;

import java.util.Iterator;
import javax.servlet.sip.TelURL;
import javax.servlet.sip.URI;
import org.sipcity.stack.address.Parameters;
import org.sipcity.stack.address.TelUrl;
import org.sipcity.stack.parser.SipParseException;

/** A mutable tel: URL (RFC 3966; JSR 289 {@link TelURL}) over the stack's {@link TelUrl}. */
public final class TelURLImpl implements TelURL {

    private String number;
    private final Parameters parameters;
    private TelUrl built;

    public TelURLImpl(TelUrl url) {
        this.number = url.number();
        this.parameters = url.parameters().copy();
        this.built = url;
    }

    public TelUrl toStack() {
        TelUrl b = built;
        if (b == null) {
            StringBuilder text = new StringBuilder("tel:").append(number);
            for (String name : parameters.names()) {
                text.append(';').append(name);
                String value = parameters.get(name);
                if (value != null) {
                    text.append('=').append(value);
                }
            }
            try {
                built = b = TelUrl.parse(text.toString());
            } catch (SipParseException e) {
                throw new IllegalArgumentException("Not a tel URL: " + text + " (" + e.fault() + ")", e);
            }
        }
        return b;
    }

    @Override
    public String getScheme() {
        return "tel";
    }

    @Override
    public boolean isSipURI() {
        return false;
    }

    @Override
    public String getPhoneNumber() {
        return isGlobal() ? number.substring(1) : number;
    }

    @Override
    public boolean isGlobal() {
        return number.startsWith("+");
    }

    @Override
    public String getPhoneContext() {
        return parameters.get("phone-context");
    }

    /** A global number: {@code +} and digits (RFC 3966 §5.1.4). */
    @Override
    public void setPhoneNumber(String value) {
        String n = value.startsWith("+") ? value : "+" + value;
        check("tel:" + n);
        number = n;
        parameters.remove("phone-context");
        built = null;
    }

    /** A local number with its phone-context (RFC 3966 §5.1.5). */
    @Override
    public void setPhoneNumber(String value, String phoneContext) {
        if (value.startsWith("+")) {
            throw new IllegalArgumentException("A local number does not start with '+': " + value);
        }
        check("tel:" + value + ";phone-context=" + phoneContext);
        number = value;
        parameters.set("phone-context", phoneContext);
        built = null;
    }

    private static void check(String text) {
        try {
            TelUrl.parse(text);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Not a tel URL: " + text + " (" + e.fault() + ")", e);
        }
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
    public void setParameter(String name, String value) {
        ParameterSupport.set(parameters, name, value);
        built = null;
    }

    @Override
    public void removeParameter(String name) {
        parameters.remove(name);
        built = null;
    }

    @Override
    public URI clone() {
        return new TelURLImpl(toStack());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TelURLImpl other && toStack().equals(other.toStack());
    }

    @Override
    public int hashCode() {
        return toStack().hashCode();
    }

    @Override
    public String toString() {
        return toStack().toString();
    }
}
