package org.sipcity.sip.container.spec;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.URI;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.Parameters;
import org.sipcity.stack.parser.SipParseException;

/**
 * A mutable name-addr with header parameters (JSR 289 {@link Address}; RFC 3261 §20.10 and §25.1), built from and
 * back into the stack's immutable {@link NameAddress}.
 *
 * <p>An address may guard some of its parts: the From and To of a message keep their {@code tag} (JSR 289 §4.1.2:
 * the container owns the tags), and the From and To of a received or committed message cannot change at all.
 */
public final class AddressImpl implements Address {

    /** Who may change this address; {@link #FREE} for addresses the application made. */
    enum Guard {
        FREE,
        /** Everything but the tag may change (From/To of a request the application builds). */
        TAG_PROTECTED,
        /** Nothing may change (From/To of a received message, or of a message already sent). */
        READ_ONLY
    }

    private final boolean wildcard;
    private String displayName;
    private URI uri;
    private final Parameters parameters;
    private Guard guard = Guard.FREE;

    public AddressImpl(NameAddress address) {
        this.wildcard = address.isWildcard();
        this.displayName = address.displayName();
        this.uri = wildcard ? null : Uris.fromStack(address.uri());
        this.parameters = wildcard ? new Parameters() : address.parameters().copy();
    }

    public AddressImpl(URI uri, String displayName) {
        this.wildcard = false;
        this.uri = java.util.Objects.requireNonNull(uri, "uri");
        this.displayName = displayName;
        this.parameters = new Parameters();
    }

    public static AddressImpl parse(String text) throws ServletParseException {
        if (text == null) {
            throw new ServletParseException("An address cannot be null");
        }
        try {
            return new AddressImpl(NameAddress.parse(text.trim()));
        } catch (SipParseException e) {
            throw Uris.parseError("address", text, e);
        }
    }

    /** This container's form of any {@link Address} an application hands back (another implementation is re-parsed). */
    static AddressImpl from(Address address) {
        if (address instanceof AddressImpl own) {
            return own;
        }
        try {
            return parse(address.toString());
        } catch (ServletParseException e) {
            throw new IllegalArgumentException("Not an address: " + address + " (" + e.getMessage() + ")", e);
        }
    }

    AddressImpl guard(Guard value) {
        this.guard = value;
        return this;
    }

    private void checkWritable(String parameter) {
        if (guard == Guard.READ_ONLY) {
            throw new IllegalStateException("This address belongs to a received or committed message and cannot change");
        }
        if (guard == Guard.TAG_PROTECTED && "tag".equalsIgnoreCase(parameter)) {
            throw new IllegalStateException("The tag of From and To is set by the container (JSR 289 §4.1.2)");
        }
        if (wildcard) {
            throw new IllegalStateException("The Contact wildcard '*' takes no display name, URI or parameters");
        }
    }

    /** The stack form as it is now. */
    public NameAddress toStack() {
        if (wildcard) {
            return NameAddress.wildcard();
        }
        NameAddress address = NameAddress.of(displayName, Uris.toStack(uri));
        for (String name : parameters.names()) {
            address = address.withParameter(name, parameters.get(name));
        }
        return address;
    }

    @Override
    public boolean isWildcard() {
        return wildcard;
    }

    @Override
    public String getDisplayName() {
        return displayName;
    }

    @Override
    public void setDisplayName(String name) {
        checkWritable(null);
        displayName = name == null || name.isEmpty() ? null : name;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public void setURI(URI value) {
        checkWritable(null);
        uri = java.util.Objects.requireNonNull(value, "uri");
    }

    /** RFC 3261 §20.10: the {@code expires} header parameter in seconds, or -1. */
    @Override
    public int getExpires() {
        String expires = parameters.get("expires");
        if (expires == null) {
            return -1;
        }
        try {
            return Integer.parseInt(expires.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void setExpires(int seconds) {
        checkWritable("expires");
        if (seconds < 0) {
            parameters.remove("expires");
        } else {
            parameters.set("expires", Integer.toString(seconds));
        }
    }

    /** RFC 3261 §20.10: the {@code q} parameter, 0.0 to 1.0, or -1.0 when absent. */
    @Override
    public float getQ() {
        String q = parameters.get("q");
        if (q == null) {
            return -1.0f;
        }
        try {
            return Float.parseFloat(q.trim());
        } catch (NumberFormatException e) {
            return -1.0f;
        }
    }

    @Override
    public void setQ(float q) {
        checkWritable("q");
        if (q == -1.0f) {
            parameters.remove("q");
            return;
        }
        if (q < 0.0f || q > 1.0f) {
            throw new IllegalArgumentException("q must be between 0.0 and 1.0 (RFC 3261 §20.10): " + q);
        }
        parameters.set("q", qValue(q));
    }

    /** RFC 3261 §25.1: {@code qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )}. */
    private static String qValue(float q) {
        String text = String.format(java.util.Locale.ROOT, "%.3f", q);
        int end = text.length();
        while (text.charAt(end - 1) == '0' && text.charAt(end - 2) != '.') {
            end--;
        }
        return text.substring(0, end);
    }

    @Override
    public String getValue() {
        if (wildcard) {
            return "*";
        }
        return NameAddress.of(displayName, Uris.toStack(uri)).toString();
    }

    /** Replaces display name and URI, keeping the parameters (JSR 289 Parameterable#setValue). */
    @Override
    public void setValue(String value) {
        checkWritable(null);
        try {
            NameAddress parsed = NameAddress.parse(value);
            if (parsed.isWildcard() || !parsed.parameters().isEmpty()) {
                throw new IllegalArgumentException("Not a name-addr without parameters: " + value);
            }
            displayName = parsed.displayName();
            uri = Uris.fromStack(parsed.uri());
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Not a name-addr: " + value + " (" + e.fault() + ")", e);
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
    public Set<Map.Entry<String, String>> getParameters() {
        return ParameterSupport.entries(parameters);
    }

    @Override
    public void setParameter(String name, String value) {
        checkWritable(name);
        ParameterSupport.set(parameters, name, value);
    }

    @Override
    public void removeParameter(String name) {
        checkWritable(name);
        parameters.remove(name);
    }

    /** A copy the application may change freely. */
    @Override
    public Object clone() {
        return new AddressImpl(toStack());
    }

    /** JSR 289: equal URIs and equal parameters; the display name does not count. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AddressImpl other)) {
            return false;
        }
        if (wildcard || other.wildcard) {
            return wildcard == other.wildcard;
        }
        return uri.equals(other.uri) && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return wildcard ? 0 : uri.hashCode();
    }

    @Override
    public String toString() {
        return toStack().toString();
    }
}
