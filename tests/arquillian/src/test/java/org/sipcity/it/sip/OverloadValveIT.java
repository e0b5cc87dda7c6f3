package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
import org.sipcity.it.sip.slow.SlowOptionsServlet;

/**
 * The overload valve in the provisioned server, with its default settings: its attributes and live figures are in
 * the management model; a burst of OPTIONS to a slow servlet fills the container's worker queue until the sojourn
 * time of its oldest task passes {@code overload-sojourn-high} (100 ms); new OPTIONS then get a stateless 503 with
 * Retry-After from the event loop (and, to a request whose Via advertises {@code oc}, RFC 7339 feedback in that Via),
 * while a BYE (in-dialog by method) and a response still pass; once the queue has
 * drained and the hold time passed, the valve is back to normal. Loopback, UDP, at most {@value #BURST} +
 * {@value #MAX_PROBES} requests.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OverloadValveIT {

    /** 16 workers at 250 ms a request: the last of the burst waits about 2 s, 20 times the high mark. */
    private static final int BURST = 150;
    private static final int MAX_PROBES = 60;
    private static final Pattern CALL_ID = Pattern.compile("^(?:Call-ID|i)\\s*:\\s*(\\S+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern RETRY_AFTER = Pattern.compile("^Retry-After\\s*:\\s*(\\d+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    /** RFC 7339 §5.2 in the top Via of a 503 to a request whose Via carried {@code oc}. */
    private static final Pattern TOP_VIA = Pattern.compile("^(?:Via|v)\\s*:\\s*([^\\r\\n]+)", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern OC = Pattern.compile(";\\s*oc=(\\d+)");
    private static final Pattern OC_ALGO = Pattern.compile(";\\s*oc-algo=\"loss\"");
    private static final Pattern OC_VALIDITY = Pattern.compile(";\\s*oc-validity=(\\d+)");
    private static final Pattern OC_SEQ = Pattern.compile(";\\s*oc-seq=(\\d+)\\.(\\d+)");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "slow-options.war")
                .addPackage(SlowOptionsServlet.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    private ValveModel model;

    @BeforeEach
    void model() {
        model = new ValveModel(management);
    }

    @Test
    void subsystemReportsTheDefaultValveItsThresholdsAndFigures() throws IOException {
        ModelNode subsystem = model.readSubsystem();

        assertThat(subsystem.get("overload-valve-class").asString()).isEqualTo("org.sipcity.stack.overload.SojournTimeValve");
        assertThat(subsystem.get("overload-valve-module").isDefined()).isFalse();
        assertThat(subsystem.get("overload-sojourn-high").asLong()).isEqualTo(100L);
        assertThat(subsystem.get("overload-sojourn-low").asLong()).isEqualTo(20L);
        assertThat(subsystem.get("overload-retry-after-min").asInt()).isEqualTo(5);
        assertThat(subsystem.get("overload-retry-after-max").asInt()).isEqualTo(15);
        assertThat(subsystem.get("overload-udp-drop").asBoolean()).isFalse();
        assertThat(subsystem.get("overload-udp-read-all").asBoolean()).as("off by default").isFalse();
        for (String metric : new String[] {"overload-state", "overload-transitions", "overload-shed-new-work",
                "overload-admitted-responses", "overload-rejections-sent", "overload-sojourn", "overload-event-loop-lag"}) {
            assertThat(subsystem.get(metric).getType()).as(metric).isEqualTo(org.jboss.dmr.ModelType.LONG);
        }

        ModelNode write = new ModelNode();
        write.get("operation").set("write-attribute");
        write.get("address").add("subsystem", "sip");
        write.get("name").set("overload-sojourn-high");
        write.get("value").set("${sipcity.overload.sojourn-high:100}");
        ModelNode response = model.executeRaw(write);
        try {
            assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
            assertThat(response.get("response-headers", "operation-requires-reload").asBoolean(false)).isTrue();
        } finally {
            ModelNode undefine = new ModelNode();
            undefine.get("operation").set("undefine-attribute");
            undefine.get("address").add("subsystem", "sip");
            undefine.get("name").set("overload-sojourn-high");
            model.execute(undefine);
        }
    }

    @Test
    void aFullWorkerQueueShedsNewRequestsWith503WhileInDialogRequestsAndResponsesPass() throws Exception {
        InetSocketAddress server = model.sipAddress("sip-udp");
        model.awaitState(0);
        long transitions = model.metric("overload-transitions");
        long shed = model.metric("overload-shed-new-work");
        long rejections = model.metric("overload-rejections-sent");
        long responsesAdmitted = model.metric("overload-admitted-responses");

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setReceiveBufferSize(1 << 20);
            Map<String, String> answers = new HashMap<>();
            for (int i = 0; i < BURST; i++) {
                send(socket, server, options(server, socket.getLocalPort(), "burst-" + i, ""));
            }
            model.awaitState(1);
            assertThat(model.cause().asString()).as("overload-cause").isEqualTo("worker-wait");

            String refused = null;
            for (int i = 0; i < MAX_PROBES && refused == null; i++) {
                String callId = "probe-" + i;
                send(socket, server, options(server, socket.getLocalPort(), callId, ";oc"));
                receive(socket, answers, 50);
                refused = answers.get(callId + "@127.0.0.1");
                if (refused != null && !refused.startsWith("SIP/2.0 503 ")) {
                    refused = null;
                }
            }
            assertThat(refused).as("a new OPTIONS refused while overloaded; answers: %s", answers.keySet()).isNotNull();
            Matcher retryAfter = RETRY_AFTER.matcher(refused);
            assertThat(retryAfter.find()).as(refused).isTrue();
            assertThat(Integer.parseInt(retryAfter.group(1))).isBetween(5, 15);
            assertOverloadControlFeedback(refused);

            // In-dialog by method: never shed; with no such dialog here the container answers 481 (RFC 3261 §12.2.2).
            send(socket, server, bye(server, socket.getLocalPort(), "bye-in-overload"));
            // A response: never shed either (it matches no client transaction here and is then discarded).
            send(socket, server, strayResponse(socket.getLocalPort(), "response-in-overload"));
            long deadline = System.currentTimeMillis() + 5_000;
            while (!answers.containsKey("bye-in-overload@127.0.0.1") && System.currentTimeMillis() < deadline) {
                receive(socket, answers, 100);
            }
            assertThat(answers.get("bye-in-overload@127.0.0.1")).as("answer to the BYE").startsWith("SIP/2.0 481 ");
            assertThat(model.metric("overload-state")).isEqualTo(1L);
        }

        assertThat(model.metric("overload-shed-new-work")).isGreaterThan(shed);
        assertThat(model.metric("overload-rejections-sent")).isGreaterThan(rejections);
        assertThat(model.metric("overload-admitted-responses")).isGreaterThan(responsesAdmitted);
        assertThat(model.metric("overload-shed-responses")).isZero();
        assertThat(model.metric("overload-shed-in-dialog")).isZero();

        model.awaitState(0);
        assertThat(model.metric("overload-transitions")).isGreaterThanOrEqualTo(transitions + 2);
        assertThat(model.metric("overload-new-work-loss")).isLessThan(100L);
    }

    private static void send(DatagramSocket socket, InetSocketAddress server, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    /** Reads whatever arrives within {@code millis}, keyed by Call-ID. */
    private static void receive(DatagramSocket socket, Map<String, String> answers, int millis) throws IOException {
        byte[] buffer = new byte[65_535];
        long deadline = System.currentTimeMillis() + millis;
        for (long left = millis; left > 0; left = deadline - System.currentTimeMillis()) {
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return;
            }
            String text = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
            Matcher callId = CALL_ID.matcher(text);
            if (callId.find()) {
                answers.put(callId.group(1), text);
            }
        }
    }

    /**
     * RFC 7339 §5.2: the upstream advertised {@code oc} in its Via; the 503 of a shedding server carries, in that
     * Via, the loss percentage it asks for ({@code oc}, more than 0 while it sheds), {@code oc-algo="loss"}, how long
     * the value holds ({@code oc-validity}, ms, more than 0 while shedding) and a sequence {@code seconds.counter}
     * ({@code oc-seq}) from this epoch.
     */
    private static void assertOverloadControlFeedback(String response) {
        Matcher via = TOP_VIA.matcher(response);
        assertThat(via.find()).as(response).isTrue();
        String top = via.group(1);
        Matcher oc = OC.matcher(top);
        assertThat(oc.find()).as("oc in %s", top).isTrue();
        assertThat(Integer.parseInt(oc.group(1))).isBetween(1, 100);
        assertThat(OC_ALGO.matcher(top).find()).as("oc-algo=\"loss\" in %s", top).isTrue();
        Matcher validity = OC_VALIDITY.matcher(top);
        assertThat(validity.find()).as("oc-validity in %s", top).isTrue();
        assertThat(Long.parseLong(validity.group(1))).isPositive();
        Matcher seq = OC_SEQ.matcher(top);
        assertThat(seq.find()).as("oc-seq in %s", top).isTrue();
        long nowSeconds = System.currentTimeMillis() / 1000;
        assertThat(Long.parseLong(seq.group(1))).isBetween(nowSeconds - 600, nowSeconds + 600);
    }

    /** An OPTIONS; {@code viaParameters} end its Via (";oc" for an RFC 7339 upstream). */
    private static String options(InetSocketAddress server, int localPort, String callId, String viaParameters) {
        String host = server.getAddress().getHostAddress();
        return "OPTIONS sip:" + host + ":" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + callId + ";rport" + viaParameters + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:load@127.0.0.1>;tag=f-" + callId + "\r\n"
                + "To: <sip:" + host + ">\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static String bye(InetSocketAddress server, int localPort, String callId) {
        String host = server.getAddress().getHostAddress();
        return "BYE sip:" + host + ":" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + callId + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:load@127.0.0.1>;tag=f-" + callId + "\r\n"
                + "To: <sip:" + host + ">;tag=t-" + callId + "\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\n"
                + "CSeq: 2 BYE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static String strayResponse(int localPort, String callId) {
        return "SIP/2.0 200 OK\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + callId + "\r\n"
                + "From: <sip:load@127.0.0.1>;tag=f-" + callId + "\r\n"
                + "To: <sip:127.0.0.1>;tag=t-" + callId + "\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
