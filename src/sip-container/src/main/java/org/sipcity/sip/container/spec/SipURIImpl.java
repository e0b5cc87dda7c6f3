package org.sipcity.sip.container.spec;

import java.util.Iterator;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;
import org.sipcity.stack.address.Parameters;
import org.sipcity.stack.address.SipUri;

/**
 * A mutable sip: or sips: URI (JSR 289 {@link SipURI}) over the stack's immutable {@link SipUri}: the parts are kept
 * apart and the stack form is rebuilt (and its host checked) when it is needed. Equality is the RFC 3261 §19.1.4
 * comparison.
 */
public final class SipURIImpl implements SipURI {

    private boolean secure;
    private String user;
    private String password;
    private String host;
    private int port;
    private Parameters parameters;
    private Parameters headers;
    private SipUri built;

    public SipURIImpl(SipUri uri) {
        this.secure = uri.isSecure();
        this.user = uri.user();
        this.password = uri.password();
        this.host = uri.host();
        this.port = uri.port();
        this.parameters = uri.parameters().copy();
        this.headers = uri.headers().copy();
        this.built = uri;
    }

    /** sip:user@host, checked now. */
    public SipURIImpl(String user, String host) {
        this(SipUri.builder().user(user).host(host).build());
    }

    /** The stack form as it is now. */
    public SipUri toStack() {
        SipUri b = built;
        if (b == null) {
            SipUri.Builder builder = SipUri.builder().secure(secure).user(user).password(password).host(host).port(port);
            for (String name : parameters.names()) {
                builder.parameter(name, parameters.get(name));
            }
            for (String name : headers.names()) {
                builder.header(name, headers.get(name));
            }
            built = b = builder.build();
        }
        return b;
    }

    private void changed() {
        built = null;
    }

    @Override
    public String getScheme() {
        return secure ? "sips" : "sip";
    }

    @Override
    public boolean isSipURI() {
        return true;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public void setSecure(boolean value) {
        secure = value;
        changed();
    }

    @Override
    public String getUser() {
        return user;
    }

    @Override
    public void setUser(String value) {
        user = value == null || value.isEmpty() ? null : value;
        changed();
    }

    @Override
    public String getUserPassword() {
        return password;
    }

    @Override
    public void setUserPassword(String value) {
        password = value;
        changed();
    }

    @Override
    public String getHost() {
        return host;
    }

    /** @throws IllegalArgumentException if {@code value} is not a hostname, IPv4 or IPv6 address */
    @Override
    public void setHost(String value) {
        SipUri checked = SipUri.builder().host(value).build();
        host = checked.host();
        changed();
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public void setPort(int value) {
        if (value < -1 || value > 65535) {
            throw new IllegalArgumentException("Port out of range: " + value);
        }
        port = value;
        changed();
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
        changed();
    }

    @Override
    public void removeParameter(String name) {
        parameters.remove(name);
        changed();
    }

    @Override
    public String getTransportParam() {
        return parameters.get("transport");
    }

    @Override
    public void setTransportParam(String value) {
        setOrRemove("transport", value);
    }

    @Override
    public String getMAddrParam() {
        return parameters.get("maddr");
    }

    @Override
    public void setMAddrParam(String value) {
        setOrRemove("maddr", value);
    }

    @Override
    public String getMethodParam() {
        return parameters.get("method");
    }

    @Override
    public void setMethodParam(String value) {
        setOrRemove("method", value);
    }

    @Override
    public int getTTLParam() {
        String ttl = parameters.get("ttl");
        try {
            return ttl == null ? -1 : Integer.parseInt(ttl);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void setTTLParam(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("ttl must be 0-255 (RFC 3261 §19.1.1): " + value);
        }
        setOrRemove("ttl", Integer.toString(value));
    }

    @Override
    public String getUserParam() {
        return parameters.get("user");
    }

    @Override
    public void setUserParam(String value) {
        setOrRemove("user", value);
    }

    @Override
    public boolean getLrParam() {
        return parameters.has("lr");
    }

    @Override
    public void setLrParam(boolean value) {
        if (value) {
            parameters.set("lr", null);
        } else {
            parameters.remove("lr");
        }
        changed();
    }

    private void setOrRemove(String name, String value) {
        if (value == null) {
            parameters.remove(name);
        } else {
            parameters.set(name, value);
        }
        changed();
    }

    @Override
    public String getHeader(String name) {
        return headers.get(name);
    }

    @Override
    public Iterator<String> getHeaderNames() {
        return headers.names().iterator();
    }

    @Override
    public void setHeader(String name, String value) {
        headers.set(name, value == null ? "" : value);
        changed();
    }

    @Override
    public void removeHeader(String name) {
        headers.remove(name);
        changed();
    }

    @Override
    public URI clone() {
        return new SipURIImpl(toStack());
    }

    /** RFC 3261 §19.1.4 comparison. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SipURIImpl other && toStack().equivalentTo(other.toStack());
    }

    @Override
    public int hashCode() {
        // §19.1.4: scheme and host compare case-insensitively, user case-sensitively; parameters are too loose to hash.
        return (getScheme() + '@' + host.toLowerCase(java.util.Locale.ROOT)).hashCode() * 31
                + (user == null ? 0 : user.hashCode());
    }

    @Override
    public String toString() {
        return toStack().toString();
    }
}
