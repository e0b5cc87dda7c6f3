package org.sipcity.sip.container.spec;

import java.util.Collections;
import java.util.Iterator;
import javax.servlet.sip.URI;
import org.sipcity.stack.address.AbsoluteUri;

/**
 * Any absolute URI other than sip, sips and tel (RFC 3261 §19.1.6 lets the Request-URI and addresses carry them):
 * kept as text. Such URIs have no parameters JSR 289 can see, so the parameter methods find none and refuse changes.
 */
public final class URIImpl implements URI {

    private final AbsoluteUri uri;

    public URIImpl(AbsoluteUri uri) {
        this.uri = uri;
    }

    public AbsoluteUri toStack() {
        return uri;
    }

    @Override
    public String getScheme() {
        return uri.scheme();
    }

    @Override
    public boolean isSipURI() {
        return false;
    }

    @Override
    public String getParameter(String name) {
        return null;
    }

    @Override
    public Iterator<String> getParameterNames() {
        return Collections.emptyIterator();
    }

    @Override
    public void setParameter(String name, String value) {
        throw new UnsupportedOperationException("A " + uri.scheme() + ": URI has no parameters the container can set");
    }

    @Override
    public void removeParameter(String name) {
        // nothing to remove
    }

    @Override
    public URI clone() {
        return this; // immutable
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof URIImpl other && uri.equals(other.uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
