package org.sipcity.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.it.console.Management.operation;
import static org.sipcity.it.console.Management.sip;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator does with {@code /subsystem=sip} through the management client, against real sockets: the live
 * figures of a connector after opening connections, listing and closing flows (seen closed from the client side),
 * the message trace switch (on, a REGISTER in the server log, off), and the SIP figures on {@code /metrics} in
 * Prometheus text.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipConsoleIT {

    private static final String CONNECTOR = "console-it";
    private static final Duration SETTLE = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "sip-console-it.war").addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient managementClient;

    private Management management;

    @BeforeEach
    void connect() {
        management = new Management(managementClient.getControllerClient());
    }

    @Test
    void connectorFiguresCountRealConnectionsAndFlowsCloseFromTheServerSide() throws Exception {
        InetSocketAddress server = management.addTestConnector(CONNECTOR);
        try (TcpClients clients = TcpClients.open(server, 5)) {
            ModelNode connector = sip(CONNECTOR);
            assertThat(management.awaitFigure(connector, "open-connections", open -> open == 5, SETTLE)).isEqualTo(5);
            assertThat(management.read(connector, "accepted-connections")).isEqualTo(5);
            assertThat(management.read(sip(), "open-flows-tcp")).as("summed over the tcp connectors").isGreaterThanOrEqualTo(5);

            List<ModelNode> flows = listFlows(null, null);
            assertThat(flows).hasSize(5);
            assertThat(flows).extracting(flow -> flow.get("remote-address").asString())
                    .containsExactlyInAnyOrderElementsOf(remoteAddresses(clients));
            assertThat(flows).allSatisfy(flow -> {
                assertThat(flow.get("transport").asString()).isEqualTo("tcp");
                assertThat(flow.get("local-address").asString()).isEqualTo("127.0.0.1:" + server.getPort());
            });
            assertThat(listFlows(null, 2)).hasSize(2);
            List<ModelNode> first = listFlows(remoteAddress(clients, 0), null);
            assertThat(first).singleElement();

            // By the id list-flows gives.
            String firstId = first.get(0).get("flow-id").asString();
            assertThat(closeFlow("flow-id", firstId)).containsExactly(firstId);
            assertThat(TcpClients.closedByServer(clients.get(0))).isTrue();

            // By the flow the registrar lists with a binding: transport, remote address, '>' our address.
            String registrarForm = "tcp:" + remoteAddress(clients, 1) + ">127.0.0.1:" + server.getPort();
            assertThat(closeFlow("remote-address", registrarForm)).hasSize(1);
            assertThat(TcpClients.closedByServer(clients.get(1))).isTrue();

            assertThat(management.awaitFigure(connector, "open-connections", open -> open == 3, SETTLE)).isEqualTo(3);
            assertThat(TcpClients.closedByServer(clients.get(2))).as("a connection not named stays open").isFalse();
            assertThat(closeFlow("flow-id", firstId)).as("closing a closed flow closes nothing").isEmpty();
            assertThat(management.fail(operation("close-flow", connector))).contains("SIPCITY00072");
            ModelNode byName = operation("close-flow", connector);
            byName.get("remote-address").set("phone.example.com");
            assertThat(management.fail(byName)).contains("SIPCITY00073", "not an IP address");
        } finally {
            management.removeTestConnector(CONNECTOR);
        }
    }

    @Test
    void deferAcceptIsAStreamSettingRefusedOnUdpWithItsReason() throws Exception {
        String name = "defer-accept-it";
        ModelNode binding = operation("add", Management.socketBinding(name));
        binding.get("port").set(Management.TEST_CONNECTOR_PORT + 1);
        management.execute(binding);
        try {
            ModelNode udp = operation("add", sip(name));
            udp.get("socket-binding").set(name);
            udp.get("transport").set("udp");
            udp.get("defer-accept").set(1);
            assertThat(management.fail(udp)).contains("SIPCITY00075").contains("defer-accept applies to tcp and tls only");

            ModelNode tcp = udp.clone();
            tcp.get("transport").set("tcp");
            management.execute(tcp);
            assertThat(management.read(sip(name), "defer-accept")).isEqualTo(1);
        } finally {
            for (ModelNode address : new ModelNode[] {sip(name), Management.socketBinding(name)}) {
                ModelNode remove = operation("remove", address);
                remove.get("operation-headers", "allow-resource-service-restart").set(true);
                managementClient.getControllerClient().execute(remove);
            }
        }
    }

    @Test
    void traceSwitchWritesTheMessagesOfOneAorToTheLogUntilSwitchedOff() throws Exception {
        Path log = Path.of(management.path("jboss.server.log.dir"), "server.log");
        InetSocketAddress udp = management.sipAddress("sip-udp");
        String user = "trace" + System.nanoTime();
        long logStart = Files.size(log);
        try {
            management.write(sip(), "trace-aor", "sip:" + user + "@localhost");
            assertThat(management.execute(readAttribute("trace-aor")).asString()).isEqualTo("sip:" + user + "@localhost");

            String traced = register(udp, user);
            String other = register(udp, "someone-else" + System.nanoTime());

            String written = awaitLog(log, logStart, traced, "SIP sent over UDP");
            assertThat(written).contains("[org.sipcity.sip.trace]", "SIP received over UDP from 127.0.0.1:",
                    "REGISTER sip:localhost SIP/2.0", "From: <sip:" + user + "@localhost>");
            assertThat(written).doesNotContain(other);

            management.write(sip(), "trace-aor", null);
            assertThat(management.execute(readAttribute("trace-aor")).isDefined()).isFalse();
            String untraced = register(udp, user);
            String afterOff = awaitLog(log, logStart, "SIP message trace off");
            assertThat(afterOff).doesNotContain(untraced);

            assertThat(management.fail(writeAttribute("trace-address", "phone.example.com")))
                    .contains("SIPCITY00070", "not an IP address");
            management.write(sip(), "trace-address", "127.0.0.1");
            String byAddress = register(udp, "anyone" + System.nanoTime());
            assertThat(awaitLog(log, logStart, byAddress, "SIP sent over UDP to 127.0.0.1")).contains(byAddress);
        } finally {
            management.write(sip(), "trace-aor", null);
            management.write(sip(), "trace-address", null);
        }
    }

    @Test
    void metricsEndpointServesTheSipFiguresInPrometheusText() throws Exception {
        String url = "http://" + managementClient.getMgmtAddress() + ":" + managementClient.getMgmtPort() + "/metrics";
        assertThat(InetAddress.getByName(managementClient.getMgmtAddress()).isLoopbackAddress()).isTrue();
        register(management.sipAddress("sip-udp"), "metrics" + System.nanoTime());

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> types = sipFamilies(response.body());
        assertThat(types).containsEntry("wildfly_sip_messages_in_total", "counter")
                .containsEntry("wildfly_sip_received_bytes_total", "counter")
                .containsEntry("wildfly_sip_requests_register_total", "counter")
                .containsEntry("wildfly_sip_responses_4xx_total", "counter")
                .containsEntry("wildfly_sip_tls_handshake_failures_total", "counter")
                .containsEntry("wildfly_sip_open_connections", "gauge")
                .containsEntry("wildfly_sip_open_flows_tcp", "gauge")
                .containsEntry("wildfly_sip_messages_in_per_second", "gauge")
                .containsEntry("wildfly_sip_active_transactions", "gauge")
                .containsEntry("wildfly_sip_worker_queue_depth", "gauge")
                .containsEntry("wildfly_sip_oldest_task_wait_seconds", "gauge")
                .containsEntry("wildfly_sip_overload_state", "gauge");
        types.forEach((family, type) -> assertThat(family.endsWith("_total")).as("%s is a %s", family, type)
                .isEqualTo(type.equals("counter")));
        assertThat(sampleValue(response.body(), "wildfly_sip_requests_register_total")).isPositive();
        assertThat(response.body()).containsPattern("(?m)^wildfly_sip_open_connections\\{connector=\"tcp\"\\} \\d");
    }

    /** Every {@code wildfly_sip} family with its type; fails if a sample does not carry its family's name. */
    private static Map<String, String> sipFamilies(String exposition) {
        Map<String, String> types = new LinkedHashMap<>();
        String family = null;
        for (String line : exposition.split("\n")) {
            Matcher type = Pattern.compile("^# TYPE (\\S+) (\\S+)$").matcher(line);
            if (type.matches()) {
                family = type.group(1);
                if (family.startsWith("wildfly_sip_")) {
                    types.put(family, type.group(2));
                }
            } else if (line.startsWith("wildfly_sip_")) {
                String name = line.split("[{ ]", 2)[0];
                assertThat(name).as("sample line %s under # TYPE %s", line, family).isEqualTo(family);
            }
        }
        return types;
    }

    private static double sampleValue(String exposition, String name) {
        Matcher sample = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(exposition);
        assertThat(sample.find()).as("a sample of %s", name).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private List<ModelNode> listFlows(String remoteAddress, Integer limit) throws IOException {
        ModelNode list = operation("list-flows", sip(CONNECTOR));
        if (remoteAddress != null) {
            list.get("remote-address").set(remoteAddress);
        }
        if (limit != null) {
            list.get("limit").set(limit);
        }
        return management.execute(list).asList();
    }

    private List<String> closeFlow(String parameter, String value) throws IOException {
        ModelNode close = operation("close-flow", sip(CONNECTOR));
        close.get(parameter).set(value);
        return management.execute(close).asList().stream().map(ModelNode::asString).toList();
    }

    private static String remoteAddress(TcpClients clients, int index) {
        return "127.0.0.1:" + clients.get(index).getLocalPort();
    }

    private static List<String> remoteAddresses(TcpClients clients) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            addresses.add(remoteAddress(clients, i));
        }
        return addresses;
    }

    private static ModelNode readAttribute(String name) {
        ModelNode read = operation("read-attribute", sip());
        read.get("name").set(name);
        return read;
    }

    private static ModelNode writeAttribute(String name, String value) {
        ModelNode write = operation("write-attribute", sip());
        write.get("name").set(name);
        write.get("value").set(value);
        return write;
    }

    /**
     * Sends a REGISTER for {@code user}@localhost in one datagram and waits for any answer (no registrar is deployed
     * here: the container's 404 is fine, the trace shows both). Returns the Call-ID.
     */
    private static String register(InetSocketAddress server, String user) throws IOException {
        assertThat(server.getAddress().isLoopbackAddress()).isTrue();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            String callId = "console-it-" + System.nanoTime();
            int port = socket.getLocalPort();
            String request = "REGISTER sip:localhost SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:" + user + "@localhost>;tag=" + Long.toHexString(System.nanoTime()) + "\r\n"
                    + "To: <sip:" + user + "@localhost>\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:" + user + "@127.0.0.1:" + port + ">\r\n"
                    + "Expires: 60\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, server));
            byte[] buffer = new byte[65_535];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            assertThat(new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII)).startsWith("SIP/2.0 ");
            return callId;
        }
    }

    /** The log written since {@code from}, once it contains every one of {@code expected}; bounded wait. */
    private static String awaitLog(Path log, long from, String... expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String text = readFrom(log, from);
        while (!containsAll(text, expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = readFrom(log, from);
        }
        assertThat(text).contains(expected);
        return text;
    }

    private static boolean containsAll(String text, String... expected) {
        for (String e : expected) {
            if (!text.contains(e)) {
                return false;
            }
        }
        return true;
    }

    private static String readFrom(Path log, long from) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            byte[] bytes = new byte[(int) Math.max(0, length - from)];
            file.seek(Math.min(from, length));
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
