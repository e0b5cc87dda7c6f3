package org.sipcity.sip.subsystem.deployment;

import java.util.Map;
import org.jboss.as.server.deployment.SetupAction;
import org.sipcity.sip.container.api.ThreadSetup;

/**
 * Enters the deployment's {@code java:} namespace (its {@code NamespaceContextSelector}, through the
 * {@code JavaNamespaceSetup} the EE subsystem attaches to every module) around each call into a SIP application, as
 * Undertow does for servlets: without it a SIP servlet on a container worker could not look up {@code java:comp}.
 */
final class NamingThreadSetup implements ThreadSetup {

    private final SetupAction namespace;
    private final Handle tearDown;

    NamingThreadSetup(SetupAction namespace) {
        this.namespace = namespace;
        this.tearDown = () -> namespace.teardown(Map.of());
    }

    @Override
    public Handle setup() {
        namespace.setup(Map.of());
        return tearDown;
    }
}
