package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server provisioned with the layer {@code sip} runs the SIP stack: {@code /subsystem=sip} has the connectors
 * {@code udp} and {@code tcp} of the layer's default configuration, they listen on their socket bindings (port offset
 * applied), they answer a real OPTIONS over loopback, and their runtime figures, read through the management client,
 * count what arrived.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipSubsystemIT {

    /** Nothing to test inside the server: an empty deployment gives the client its management connection. */
    @Deployment(testable = false)
    static WebArchive deployment() {
        // ShrinkWrap cannot export an archive without content.
        return ShrinkWrap.create(WebArchive.class, "sip-subsystem-it.war").addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void layerConfiguresUdpAndTcpConnectorsWithLiveFigures() throws IOException {
        for (String connector : new String[] {"udp", "tcp"}) {
            ModelNode resource = execute(includeRuntime(op("read-resource", connector)));
            assertThat(resource.get("transport").asString()).isEqualTo(connector);
            assertThat(resource.get("socket-binding").asString()).isEqualTo("sip-" + connector);
            assertThat(resource.get("messages-in").isDefined()).as("messages-in of %s", connector).isTrue();
            assertThat(resource.get("open-connections").isDefined()).as("open-connections of %s", connector).isTrue();
        }
        ModelNode subsystem = execute(includeRuntime(readResource(new ModelNode().add("subsystem", "sip"))));
        assertThat(subsystem.get("requests-received").isDefined()).isTrue();
        assertThat(subsystem.get("t1").asLong()).isEqualTo(500L);
    }

    @Test
    void optionsOverUdpIsAnsweredAndCounted() throws IOException {
        long before = metric("udp", "messages-in");
        long requestsBefore = subsystemMetric("requests-received");

        String status = SipProbe.statusLine(SipProbe.optionsOverUdp(sipAddress("sip-udp")));

        assertThat(status).startsWith("SIP/2.0 ");
        assertThat(metric("udp", "messages-in")).isGreaterThan(before);
        assertThat(metric("udp", "messages-out")).isPositive();
        assertThat(subsystemMetric("requests-received")).isGreaterThan(requestsBefore);
        // Over UDP its server transaction is held completed for Timer J (32 s), charged to a quarter of the heap.
        assertThat(subsystemMetric("completed-transactions")).as("completed-transactions").isPositive();
        long charged = subsystemMetric("completed-transaction-bytes");
        assertThat(charged).as("completed-transaction-bytes").isPositive();
        assertThat(subsystemMetric("completed-transaction-memory")).as("completed-transaction-memory")
                .isGreaterThan(charged);
        assertThat(subsystemMetric("transactions-refused-completed-memory")).isZero();
    }

    @Test
    void optionsOverTcpIsAnsweredAndCounted() throws IOException {
        long before = metric("tcp", "messages-in");
        long accepted = metric("tcp", "accepted-connections");

        String status = SipProbe.statusLine(SipProbe.optionsOverTcp(sipAddress("sip-tcp")));

        assertThat(status).startsWith("SIP/2.0 ");
        assertThat(metric("tcp", "messages-in")).isGreaterThan(before);
        assertThat(metric("tcp", "accepted-connections")).isGreaterThan(accepted);
        assertThat(metric("tcp", "received-bytes")).isPositive();
    }

    @Test
    void socketBindingReportsTheConnectorBound() throws IOException {
        ModelNode binding = execute(includeRuntime(readResource(socketBinding("sip-tcp"))));
        assertThat(binding.get("bound").asBoolean()).isTrue();
        assertThat(binding.get("bound-port").asInt()).isEqualTo(sipAddress("sip-tcp").getPort());
    }

    @Test
    void changingAConnectorSettingAsksForReload() throws IOException {
        ModelNode write = op("write-attribute", "udp");
        write.get("name").set("backlog");
        write.get("value").set(2048);
        ModelNode response = management.getControllerClient().execute(write);
        try {
            assertThat(response.get("outcome").asString()).isEqualTo("success");
            assertThat(response.get("response-headers", "operation-requires-reload").asBoolean(false)).isTrue();
        } finally {
            // Back to the default, so that the persisted configuration is the provisioned one again.
            ModelNode undefine = op("undefine-attribute", "udp");
            undefine.get("name").set("backlog");
            execute(undefine);
        }
    }

    /** The address a socket binding resolves to, the server's port offset applied. */
    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode port = new ModelNode();
        port.get("operation").set("read-attribute");
        port.get("address").set(socketBinding(socketBinding));
        port.get("name").set("port");
        port.get("resolve-expressions").set(true);
        ModelNode offset = new ModelNode();
        offset.get("operation").set("read-attribute");
        offset.get("address").add("socket-binding-group", "standard-sockets");
        offset.get("name").set("port-offset");
        offset.get("resolve-expressions").set(true);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                execute(port).asInt() + execute(offset).asInt());
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        return address;
    }

    private long metric(String connector, String name) throws IOException {
        ModelNode read = op("read-attribute", connector);
        read.get("name").set(name);
        return execute(read).asLong();
    }

    private long subsystemMetric(String name) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip");
        read.get("name").set(name);
        return execute(read).asLong();
    }

    private static ModelNode socketBinding(String name) {
        return new ModelNode().add("socket-binding-group", "standard-sockets").add("socket-binding", name);
    }

    private static ModelNode op(String operation, String connector) {
        ModelNode op = new ModelNode();
        op.get("operation").set(operation);
        op.get("address").add("subsystem", "sip").add("connector", connector);
        return op;
    }

    private static ModelNode readResource(ModelNode address) {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-resource");
        op.get("address").set(address);
        return op;
    }

    private static ModelNode includeRuntime(ModelNode operation) {
        operation.get("include-runtime").set(true);
        return operation;
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        ModelControllerClient client = management.getControllerClient();
        ModelNode response = client.execute(operation);
        assertThat(response.get("outcome").asString()).as("%s -> %s", operation, response).isEqualTo("success");
        return response.get("result");
    }
}
