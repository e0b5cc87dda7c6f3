package org.sipcity.it.interop;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * The registrar's challenge set for user agents that cannot take its default (SHA-256 first, then MD5): the system
 * property {@code sipcity.registrar.digest-algorithms} is added before the test class's deployment (the registrar
 * reads its settings when deployed) and removed after it.
 */
abstract class DigestAlgorithms implements ServerSetupTask {

    private static final String PROPERTY = "sipcity.registrar.digest-algorithms";

    private final String algorithms;

    DigestAlgorithms(String algorithms) {
        this.algorithms = algorithms;
    }

    /** SIPp answers only the first challenge, and only MD5. */
    static final class Md5First extends DigestAlgorithms {
        Md5First() {
            super("MD5,SHA-256");
        }
    }

    /** baresip 1.0 (libre) gives up on a challenge set holding any algorithm but MD5, whatever the order. */
    static final class Md5Only extends DigestAlgorithms {
        Md5Only() {
            super("MD5");
        }
    }

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        ModelNode add = new ModelNode();
        add.get("operation").set("add");
        add.get("address").add("system-property", PROPERTY);
        add.get("value").set(algorithms);
        ModelNode result = client.getControllerClient().execute(add);
        if (!"success".equals(result.get("outcome").asString())) {
            throw new IllegalStateException("adding " + PROPERTY + ": " + result);
        }
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) throws Exception {
        ModelNode remove = new ModelNode();
        remove.get("operation").set("remove");
        remove.get("address").add("system-property", PROPERTY);
        client.getControllerClient().execute(remove);
    }
}
