package org.sipcity.it.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.testing.RequestBuilder;
import org.sipcity.testing.SentRequest;
import org.sipcity.testing.SipTestClient;

/**
 * The registrar administered through the management model, as an operator does from the CLI: the application's
 * JMX beans appear as {@code /deployment=sipcity-registrar.war/subsystem=sip/managed-bean=registrations|subscribers},
 * and every operation is checked against real registrations made over UDP and TCP with digest authentication.
 * Subscribers are made here only through the management operations (the H2 file outlives runs: names are unique).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RegistrarAdministrationIT {

    private static final String DEPLOYMENT = "sipcity-registrar.war";
    private static final String DOMAIN = "localhost";
    private static final String PASSWORD = "adm1n-Pa55";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive registrar() {
        File war = new File(System.getProperty("sipcity.it.registrar.war"));
        return ShrinkWrap.create(ZipImporter.class, DEPLOYMENT).importFrom(war).as(WebArchive.class);
    }

    @ArquillianResource
    ManagementClient management;

    /**
     * The WAR's sip.xml declares it inline (context-param org.sipcity.sip.dispatch), and the subsystem's inline-dispatch
     * (the configuration's expression, true without a database server) lets it: the deployment resource says so.
     */
    @Test
    void theRegistrarRunsInlineOnTheEventLoops() throws IOException {
        ModelNode inlineDispatch = new ModelNode();
        inlineDispatch.get("operation").set("read-attribute");
        inlineDispatch.get("address").add("subsystem", "sip");
        inlineDispatch.get("name").set("inline-dispatch");
        ModelNode configured = success(inlineDispatch);
        assertThat(configured.getType()).isEqualTo(ModelType.EXPRESSION);
        assertThat(configured.asExpression().getExpressionString()).isEqualTo("${sipcity.dispatch.inline:true}");
        inlineDispatch.get("resolve-expressions").set(true);
        assertThat(success(inlineDispatch).asBoolean()).isTrue();

        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").set(address(null));
        read.get("name").set("dispatch-mode");
        assertThat(success(read).asString()).isEqualTo("inline");

        ModelNode tasks = new ModelNode();
        tasks.get("operation").set("read-attribute");
        tasks.get("address").add("subsystem", "sip");
        tasks.get("name").set("event-loop-tasks");
        assertThat(success(tasks).getType()).isEqualTo(ModelType.LONG);
    }

    @Test
    void beansAreResourcesWithNamedTypedDescribedOperations() throws IOException {
        ModelNode names = new ModelNode();
        names.get("operation").set("read-children-names");
        names.get("address").set(address(null));
        names.get("child-type").set("managed-bean");
        assertThat(success(names).asList()).extracting(ModelNode::asString).contains("registrations", "subscribers");

        ModelNode describe = new ModelNode();
        describe.get("operation").set("read-resource-description");
        describe.get("address").set(address("registrations"));
        describe.get("operations").set(true);
        ModelNode description = success(describe);
        ModelNode listBindings = description.get("operations", "list-bindings");
        assertThat(listBindings.get("read-only").asBoolean()).isTrue();
        ModelNode aor = listBindings.get("request-properties", "aor");
        assertThat(aor.get("type").asType()).isEqualTo(ModelType.STRING);
        assertThat(aor.get("required").asBoolean()).isTrue();
        assertThat(aor.get("description").asString()).contains("address-of-record");
        ModelNode reply = listBindings.get("reply-properties");
        assertThat(reply.get("type").asType()).isEqualTo(ModelType.LIST);
        assertThat(reply.get("value-type").keys()).contains("contact", "expires", "flow", "source-address", "user-agent",
                "instance", "reg-id", "q");
        assertThat(description.get("operations", "remove-binding", "request-properties").keys()).containsExactly("aor", "contact");
        assertThat(description.get("attributes", "binding-count", "type").asType()).isEqualTo(ModelType.LONG);
        assertThat(description.get("attributes", "aor-count", "description").asString()).contains("Addresses-of-record");

        ModelNode subscribers = success(readResource("subscribers"));
        assertThat(subscribers.get("object-name").asString())
                .isEqualTo("org.sipcity.sip:application=sipcity-registrar,name=subscribers");
        assertThat(subscribers.get("count").getType()).isEqualTo(ModelType.LONG);
    }

    @Test
    void addedSubscriberRegistersAndAChangedPasswordReplacesTheOldOne() throws Exception {
        String user = uniqueUser();
        long before = success(readAttribute("subscribers", "count")).asLong();
        success(op("subscribers", "add", "username", user, "domain", DOMAIN, "password", PASSWORD));
        assertThat(success(readAttribute("subscribers", "count")).asLong()).isEqualTo(before + 1);
        assertThat(failure(op("subscribers", "add", "username", user, "domain", DOMAIN, "password", "x")))
                .contains("exists already");

        try (SipTestClient client = client(user)) {
            assertThat(register(client, TransportType.UDP, user, PASSWORD).getStatus()).isEqualTo(200);

            success(op("subscribers", "change-password", "username", user, "domain", DOMAIN, "password", "new-" + PASSWORD));
            assertThat(register(client, TransportType.UDP, user, PASSWORD).getStatus()).as("old password").isEqualTo(401);
            assertThat(register(client, TransportType.TCP, user, "new-" + PASSWORD).getStatus()).as("new password").isEqualTo(200);

            success(op("subscribers", "remove", "username", user, "domain", DOMAIN));
            assertThat(register(client, TransportType.TCP, user, "new-" + PASSWORD).getStatus()).as("removed").isNotEqualTo(200);
        }
        assertThat(success(readAttribute("subscribers", "count")).asLong()).isEqualTo(before);
        assertThat(failure(op("subscribers", "remove", "username", user, "domain", DOMAIN)))
                .contains("no such subscriber " + user + "@" + DOMAIN);
        assertThat(failure(op("subscribers", "change-password", "username", user, "domain", DOMAIN, "password", "p")))
                .contains("no such subscriber");
    }

    @Test
    void bindingsOverUdpAndTcpAreListedCountedAndRemoved() throws Exception {
        String user = uniqueUser();
        String aor = "sip:" + user + "@" + DOMAIN;
        success(op("subscribers", "add", "username", user, "domain", DOMAIN, "password", PASSWORD));
        long aorsBefore = success(readAttribute("registrations", "aor-count")).asLong();
        long bindingsBefore = success(readAttribute("registrations", "binding-count")).asLong();
        try (SipTestClient client = client(user)) {
            assertThat(register(client, TransportType.UDP, user, PASSWORD).getStatus()).isEqualTo(200);
            assertThat(register(client, TransportType.TCP, user, PASSWORD).getStatus()).isEqualTo(200);
            String udpContact = client.contactUri(TransportType.UDP).toString();
            String tcpContact = client.contactUri(TransportType.TCP).toString();

            List<ModelNode> bindings = success(op("registrations", "list-bindings", "aor", user + "@" + DOMAIN)).asList();
            assertThat(bindings).extracting(b -> b.get("contact").asString()).containsExactlyInAnyOrder(udpContact, tcpContact);
            for (ModelNode binding : bindings) {
                assertThat(binding.get("expires").asLong()).isBetween(590L, 600L);
                assertThat(binding.get("user-agent").asString()).isEqualTo("RegistrarAdministrationIT/1");
                assertThat(binding.get("call-id").asString()).endsWith("@it.sipcity");
                assertThat(binding.get("local-address").asString()).startsWith("127.0.0.1:");
            }
            ModelNode udp = bindings.stream().filter(b -> b.get("contact").asString().equals(udpContact)).findFirst().orElseThrow();
            assertThat(udp.get("flow").asString())
                    .isEqualTo("udp:127.0.0.1:" + client.localAddress(TransportType.UDP).getPort());
            assertThat(udp.get("source-address").asString())
                    .isEqualTo("127.0.0.1:" + client.localAddress(TransportType.UDP).getPort());
            ModelNode tcp = bindings.stream().filter(b -> b.get("contact").asString().equals(tcpContact)).findFirst().orElseThrow();
            assertThat(tcp.get("flow").asString()).startsWith("tcp:127.0.0.1:");

            // Other tests may register at the same time in this server: at least ours are counted.
            assertThat(success(readAttribute("registrations", "aor-count")).asLong()).isGreaterThanOrEqualTo(aorsBefore + 1);
            assertThat(success(readAttribute("registrations", "binding-count")).asLong()).isGreaterThanOrEqualTo(bindingsBefore + 2);

            success(op("registrations", "remove-binding", "aor", aor, "contact", udpContact));
            assertThat(success(op("registrations", "list-bindings", "aor", aor)).asList())
                    .extracting(b -> b.get("contact").asString()).containsExactly(tcpContact);
            // The registrar itself no longer has it: a fetching REGISTER lists the TCP binding only.
            SipResponse fetched = register(client, TransportType.TCP, user, PASSWORD, RequestBuilder::noContact);
            assertThat(fetched.getStatus()).isEqualTo(200);
            assertThat(fetched.getHeaders(HeaderName.CONTACT)).hasSize(1).allSatisfy(c -> assertThat(c).contains(tcpContact));
            assertThat(failure(op("registrations", "remove-binding", "aor", aor, "contact", udpContact)))
                    .contains("no binding of " + aor);

            assertThat(success(op("registrations", "remove-bindings", "aor", aor)).asInt()).isEqualTo(1);
            assertThat(success(op("registrations", "list-bindings", "aor", aor)).asList()).isEmpty();
        }
    }

    @Test
    void importCsvAddsThousandsAndReportsRejectedLines() throws Exception {
        String prefix = "imp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int rows = 3000;
        Path csv = Files.createTempFile("subscribers", ".csv");
        try {
            try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                out.write("username,domain,password\n# generated by RegistrarAdministrationIT\n");
                for (int i = 0; i < rows; i++) {
                    out.write(prefix + i + "," + DOMAIN + ",pw-" + i + ",with,commas\n");
                }
                out.write("no-commas-here\n");
                out.write("," + DOMAIN + ",empty-user\n");
                out.write(prefix + "0," + DOMAIN + ",again\n");
            }
            long before = success(readAttribute("subscribers", "count")).asLong();

            ModelNode report = success(op("subscribers", "import-csv", "path", csv.toAbsolutePath().toString()));

            assertThat(report.get("imported").asLong()).isEqualTo(rows);
            assertThat(report.get("existing").asLong()).as("the repeated line names an existing subscriber").isEqualTo(1);
            assertThat(report.get("rejected").asLong()).isEqualTo(2);
            assertThat(report.get("problems").asList()).extracting(ModelNode::asString)
                    .anySatisfy(p -> assertThat(p).startsWith("line " + (rows + 3) + ":"))
                    .anySatisfy(p -> assertThat(p).startsWith("line " + (rows + 4) + ":").contains("must not be empty"));
            assertThat(success(readAttribute("subscribers", "count")).asLong()).isGreaterThanOrEqualTo(before + rows);

            List<ModelNode> page = success(op("subscribers", "list", "prefix", prefix + "1", "limit", "3")).asList();
            assertThat(page).extracting(ModelNode::asString)
                    .containsExactly(prefix + "1@" + DOMAIN, prefix + "10@" + DOMAIN, prefix + "100@" + DOMAIN);

            String user = prefix + (rows - 1);
            try (SipTestClient client = client(user)) {
                assertThat(register(client, TransportType.TCP, user, "pw-" + (rows - 1) + ",with,commas").getStatus()).isEqualTo(200);
            }
            ModelNode again = success(op("subscribers", "import-csv", "path", csv.toAbsolutePath().toString()));
            assertThat(again.get("imported").asLong()).isZero();
            assertThat(again.get("existing").asLong()).isEqualTo(rows + 1);
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    @Test
    void refusalsAreCleanManagementFailures() throws IOException {
        assertThat(failure(op("subscribers", "import-csv", "path", "relative/file.csv"))).contains("must be absolute");
        assertThat(failure(op("subscribers", "import-csv", "path", "/nonexistent/sipcity/file.csv"))).contains("no readable file");
        assertThat(failure(op("registrations", "list-bindings", "aor", "nobody"))).contains("not an address-of-record");
        assertThat(failure(op("registrations", "remove-binding", "aor", "alice@" + DOMAIN))).contains("contact").contains("required");
        assertThat(failure(op("subscribers", "list", "offset", "many"))).contains("offset").contains("number");
        assertThat(failure(op("subscribers", "list", "limit", "5000"))).contains("at most 1000");
        assertThat(failure(op("subscribers", "add", "username", "", "domain", DOMAIN, "password", "p"))).contains("must not be empty");
    }

    private SipResponse register(SipTestClient client, TransportType transport, String user, String password) throws Exception {
        return register(client, transport, user, password, r -> r.setHeader("Expires", "600"));
    }

    /**
     * REGISTER, answering the challenge. On the shared build host the overload valve may shed a request with 503 and
     * Retry-After; like a UA (RFC 3261 section 21.5.4) the request is then sent again after that delay, twice at most.
     */
    private SipResponse register(SipTestClient client, TransportType transport, String user, String password,
            UnaryOperator<RequestBuilder> customizer) throws Exception {
        for (int attempt = 0; ; attempt++) {
            SentRequest sent = send(client, transport, user, customizer);
            SipResponse answer = sent.awaitFinal(WAIT);
            if (answer.getStatus() == 401) {
                answer = sent.authenticate(user, password, WAIT).awaitFinal(WAIT);
            }
            if (answer.getStatus() != 503 || attempt == 2) {
                return answer;
            }
            String retryAfter = answer.getHeader(HeaderName.RETRY_AFTER);
            Thread.sleep(1000L * Math.min(15, retryAfter == null ? 5 : Integer.parseInt(retryAfter.split("[ ;(]")[0].strip())));
        }
    }

    private SentRequest send(SipTestClient client, TransportType transport, String user, UnaryOperator<RequestBuilder> customizer)
            throws IOException {
        String aor = "<sip:" + user + "@" + DOMAIN + ">";
        RequestBuilder request = client.request("REGISTER", "sip:" + DOMAIN)
                .from(aor + ";tag=" + UUID.randomUUID().toString().substring(0, 8))
                .to(aor)
                .callId(UUID.randomUUID() + "@it.sipcity")
                .cseq(1)
                .transport(transport)
                .target(sipAddress(transport == TransportType.UDP ? "sip-udp" : "sip-tcp"));
        request.setHeader("User-Agent", "RegistrarAdministrationIT/1");
        return customizer.apply(request).send();
    }

    private static SipTestClient client(String user) {
        return SipTestClient.builder().transports(TransportType.UDP, TransportType.TCP).user(user).build();
    }

    private static String uniqueUser() {
        return "adm-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static ModelNode address(String bean) {
        ModelNode address = new ModelNode().add("deployment", DEPLOYMENT).add("subsystem", "sip");
        return bean == null ? address : address.add("managed-bean", bean);
    }

    private static ModelNode op(String bean, String name, String... parameters) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        op.get("address").set(address(bean));
        for (int i = 0; i < parameters.length; i += 2) {
            op.get(parameters[i]).set(parameters[i + 1]);
        }
        return op;
    }

    private static ModelNode readAttribute(String bean, String attribute) {
        return op(bean, "read-attribute", "name", attribute);
    }

    private static ModelNode readResource(String bean) {
        ModelNode op = op(bean, "read-resource");
        op.get("include-runtime").set(true);
        return op;
    }

    private ModelNode success(ModelNode op) throws IOException {
        ModelNode response = management.getControllerClient().execute(op);
        assertThat(response.get("outcome").asString()).as("%s -> %s", op, response).isEqualTo("success");
        return response.get("result");
    }

    /** The failure description, which must read as a message for an operator, not a stack trace. */
    private String failure(ModelNode op) throws IOException {
        ModelNode response = management.getControllerClient().execute(op);
        assertThat(response.get("outcome").asString()).as("%s -> %s", op, response).isEqualTo("failed");
        String description = response.get("failure-description").asString();
        assertThat(description).doesNotContain("Exception").doesNotContain("\tat ");
        return description;
    }

    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), success(read).asInt());
    }
}
