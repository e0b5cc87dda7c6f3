package org.sipcity.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.LongPredicate;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;

/**
 * Management operations the console tests share, over the Arquillian management client: a connector of their own on a
 * socket binding of their own (added at runtime, removed without a reload), so that its figures count only what a
 * test did, whatever other tests left open on the provisioned connectors.
 */
final class Management {

    /** Beside the provisioned 5060/5061; the server's port offset applies. */
    static final int TEST_CONNECTOR_PORT = 5095;

    private final ModelControllerClient client;

    Management(ModelControllerClient client) {
        this.client = client;
    }

    static ModelNode sip(String... connector) {
        ModelNode address = new ModelNode().add("subsystem", "sip");
        if (connector.length > 0) {
            address.add("connector", connector[0]);
        }
        return address;
    }

    static ModelNode operation(String name, ModelNode address) {
        ModelNode operation = new ModelNode();
        operation.get("operation").set(name);
        operation.get("address").set(address);
        return operation;
    }

    /** Runs an operation that must succeed and returns its result. */
    ModelNode execute(ModelNode operation) throws IOException {
        ModelNode response = client.execute(operation);
        assertThat(response.get("outcome").asString()).as("%s\n%s", operation, response).isEqualTo("success");
        return response.get("result");
    }

    /** Runs an operation that must fail and returns its failure description. */
    String fail(ModelNode operation) throws IOException {
        ModelNode response = client.execute(operation);
        assertThat(response.get("outcome").asString()).as("%s\n%s", operation, response).isEqualTo("failed");
        return response.get("failure-description").asString();
    }

    long read(ModelNode address, String attribute) throws IOException {
        ModelNode read = operation("read-attribute", address);
        read.get("name").set(attribute);
        return execute(read).asLong();
    }

    void write(ModelNode address, String attribute, String value) throws IOException {
        ModelNode write = operation(value == null ? "undefine-attribute" : "write-attribute", address);
        write.get("name").set(attribute);
        if (value != null) {
            write.get("value").set(value);
        }
        ModelNode response = client.execute(write);
        assertThat(response.get("outcome").asString()).as("%s\n%s", write, response).isEqualTo("success");
        assertThat(response.get("response-headers", "operation-requires-reload").asBoolean(false))
                .as("%s needs no reload", attribute).isFalse();
    }

    /** Polls a figure until it satisfies {@code expected}; returns the last value read. Bounded by {@code limit}. */
    long awaitFigure(ModelNode address, String attribute, LongPredicate expected, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long value = read(address, attribute);
        while (!expected.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = read(address, attribute);
        }
        return value;
    }

    /**
     * Adds a TCP connector listening on 127.0.0.1:{@link #TEST_CONNECTOR_PORT} + offset; returns that address. A server
     * that earlier tests left in reload-required or restart-required only records an added resource in its model
     * without starting it: such a server is reloaded first, and the socket binding must then report bound.
     */
    InetSocketAddress addTestConnector(String name) throws IOException, InterruptedException {
        reloadIfRequired();
        ModelNode binding = operation("add", socketBinding(name));
        binding.get("port").set(TEST_CONNECTOR_PORT);
        execute(binding);
        ModelNode connector = operation("add", sip(name));
        connector.get("socket-binding").set(name);
        connector.get("transport").set("tcp");
        execute(connector);
        ModelNode bound = operation("read-attribute", socketBinding(name));
        bound.get("name").set("bound");
        assertThat(execute(bound).asBoolean()).as("connector %s listens (server state %s)", name, serverState()).isTrue();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), TEST_CONNECTOR_PORT + portOffset());
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        return address;
    }

    /** Removes what {@link #addTestConnector} added, without leaving the server in reload-required. */
    void removeTestConnector(String name) throws IOException {
        for (ModelNode address : new ModelNode[] {sip(name), socketBinding(name)}) {
            ModelNode remove = operation("remove", address);
            remove.get("operation-headers", "allow-resource-service-restart").set(true);
            execute(remove);
        }
    }

    String serverState() throws IOException {
        ModelNode read = operation("read-attribute", new ModelNode().setEmptyList());
        read.get("name").set("server-state");
        return execute(read).asString();
    }

    /** Reloads a server in reload-required or restart-required and waits (bounded) until it runs again. */
    private void reloadIfRequired() throws IOException, InterruptedException {
        if ("running".equals(serverState())) {
            return;
        }
        try {
            client.execute(operation("reload", new ModelNode().setEmptyList()));
        } catch (IOException closedByTheReload) {
            // the server may close the management channel before its answer to the reload is read
            // ("JBTHR00004: Operation was cancelled"): the polling below tells whether it came back
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            try {
                state = serverState();
                if ("running".equals(state)) {
                    return;
                }
            } catch (IOException | AssertionError reconnecting) {
                // the management interface is down while the server reloads
            }
        }
        throw new AssertionError("the server did not run again within 180 s after a reload (last state " + state + ")");
    }

    int portOffset() throws IOException {
        ModelNode offset = operation("read-attribute", new ModelNode().add("socket-binding-group", "standard-sockets"));
        offset.get("name").set("port-offset");
        offset.get("resolve-expressions").set(true);
        return execute(offset).asInt();
    }

    /** The address of a provisioned SIP socket binding, the port offset applied. */
    InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode port = operation("read-attribute", socketBinding(socketBinding));
        port.get("name").set("port");
        port.get("resolve-expressions").set(true);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), execute(port).asInt() + portOffset());
    }

    /** A path of the running server (jboss.home.dir, jboss.server.log.dir, ...). */
    String path(String name) throws IOException {
        ModelNode read = operation("read-attribute", new ModelNode().add("path", name));
        read.get("name").set("path");
        return execute(read).asString();
    }

    static ModelNode socketBinding(String name) {
        return new ModelNode().add("socket-binding-group", "standard-sockets").add("socket-binding", name);
    }
}
