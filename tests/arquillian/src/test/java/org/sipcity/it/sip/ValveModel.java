package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * What the overload tests read from the server's management model: the valve's figures on {@code /subsystem=sip}
 * and where a SIP socket binding listens (port offset applied).
 */
final class ValveModel {

    private static final long WAIT_LIMIT_MILLIS = 20_000;

    private final ManagementClient management;

    ValveModel(ManagementClient management) {
        this.management = management;
    }

    /** Waits, bounded, until {@code overload-state} reads {@code state} (0 normal, 1 overloaded). */
    void awaitState(long state) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_LIMIT_MILLIS;
        while (metric("overload-state") != state && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(metric("overload-state")).as("overload-state; sojourn %d ms, event-loop lag %d ms, new-work loss %d %%",
                metric("overload-sojourn"), metric("overload-event-loop-lag"), metric("overload-new-work-loss")).isEqualTo(state);
    }

    long metric(String name) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip");
        read.get("name").set(name);
        return execute(read).asLong();
    }

    /** {@code overload-cause}: the signal that began the last overload, undefined before the first. */
    ModelNode cause() throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip");
        read.get("name").set("overload-cause");
        return execute(read);
    }

    ModelNode readSubsystem() throws IOException {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-resource");
        op.get("address").add("subsystem", "sip");
        op.get("include-runtime").set(true);
        return execute(op);
    }

    /** The address a socket binding resolves to, the server's port offset applied. */
    InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode port = new ModelNode();
        port.get("operation").set("read-attribute");
        port.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        port.get("name").set("port");
        port.get("resolve-expressions").set(true);
        ModelNode offset = new ModelNode();
        offset.get("operation").set("read-attribute");
        offset.get("address").add("socket-binding-group", "standard-sockets");
        offset.get("name").set("port-offset");
        offset.get("resolve-expressions").set(true);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), execute(port).asInt() + execute(offset).asInt());
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        return address;
    }

    /** Runs {@code operation}, which must succeed; returns its result. */
    ModelNode execute(ModelNode operation) throws IOException {
        ModelNode response = management.getControllerClient().execute(operation);
        assertThat(response.get("outcome").asString()).as("%s -> %s", operation, response).isEqualTo("success");
        return response.get("result");
    }

    /** Runs {@code operation} and returns the whole response, failed or not. */
    ModelNode executeRaw(ModelNode operation) throws IOException {
        return management.getControllerClient().execute(operation);
    }
}
