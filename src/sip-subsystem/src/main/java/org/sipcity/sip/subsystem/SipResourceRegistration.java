package org.sipcity.sip.subsystem;

import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceRegistration;

/** The child resources of {@code /subsystem=sip}. */
public enum SipResourceRegistration implements ResourceRegistration {
    /** {@code connector=*}: one listening address of one transport. */
    CONNECTOR("connector");

    private final PathElement wildcard;

    SipResourceRegistration(String key) {
        this.wildcard = PathElement.pathElement(key);
    }

    @Override
    public PathElement getPathElement() {
        return wildcard;
    }

    /** The path of the named child. */
    public PathElement pathElement(String name) {
        return PathElement.pathElement(wildcard.getKey(), name);
    }
}
