package org.sipcity.it.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.db.DatabaseUnderTest;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.testing.RequestBuilder;
import org.sipcity.testing.SipTestClient;

/**
 * The registrar WAR built by the reactor, deployed as it is (plus one test-only seeding servlet) in the provisioned
 * server, answers REGISTER over UDP and TCP as RFC 3261 §10.3 says. Each rule is run over both transports, each time
 * as a new subscriber (the databases outlive test runs). Tagged "databases": run on SipCityDS over H2 (file), then
 * MariaDB, then PostgreSQL, one server boot each ({@link DatabaseUnderTest}).
 */
@Tag("databases")
@ExtendWith({DatabaseUnderTest.class, ArquillianExtension.class})
@RunAsClient
class RegistrarIT {

    /** The registrar's default domain (sipcity.registrar.domains), also the digest realm. */
    private static final String DOMAIN = "localhost";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<TransportType> TRANSPORTS = List.of(TransportType.UDP, TransportType.TCP);

    @Deployment(testable = false)
    static WebArchive registrar() {
        return RegistrarWar.withSubscriberSeed();
    }

    @ArquillianResource
    ManagementClient management;

    @ArquillianResource
    URL deploymentUrl;

    @Test
    void digestChallengeThenAuthenticatedRegisterListsTheBindingWithItsExpiry() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                var sent = register(client, transport, user, callId(), 1, r -> r.setHeader("Expires", "600"));
                SipResponse challenge = sent.awaitFinal(WAIT);
                assertThat(challenge.getStatus()).as(transport + " challenge").isEqualTo(401);
                assertThat(challenge.getHeaders(HeaderName.WWW_AUTHENTICATE)).as(transport + " challenges")
                        .anySatisfy(value -> assertThat(value).contains("SHA-256").contains("qop=\"auth\""))
                        .anySatisfy(value -> assertThat(value).contains("MD5"));

                SipResponse ok = sent.authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);

                assertThat(ok.getStatus()).as(transport + " " + ok.getReasonPhrase()).isEqualTo(200);
                List<String> contacts = ok.getHeaders(HeaderName.CONTACT);
                assertThat(contacts).as(transport + " bindings").hasSize(1);
                assertThat(contacts.get(0)).contains(client.contactUri(transport).toString());
                assertThat(expiresParameter(contacts.get(0))).as(transport + " remaining expiry").isBetween(590, 600);
                assertThat(ok.getHeader(HeaderName.DATE)).as(transport + " Date").isNotBlank();
            }
        }
    }

    @Test
    void wrongPasswordIsChallengedAgain() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                SipResponse answer = register(client, transport, user, callId(), 1, UnaryOperator.identity())
                        .authenticate(user, "not-" + PASSWORD, WAIT).awaitFinal(WAIT);

                // The digest does not match the stored HA1: the credentials are refused with a new challenge.
                assertThat(answer.getStatus()).as(transport + " " + answer.getReasonPhrase()).isEqualTo(401);
                assertThat(answer.getHeaders(HeaderName.WWW_AUTHENTICATE)).isNotEmpty();
            }
        }
    }

    @Test
    void expiryBelowMinExpiresIsRefusedWith423() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                SipResponse answer = register(client, transport, user, callId(), 1, r -> r.setHeader("Expires", "30"))
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);

                assertThat(answer.getStatus()).as(transport + " " + answer.getReasonPhrase()).isEqualTo(423);
                assertThat(answer.getHeader(HeaderName.MIN_EXPIRES)).as(transport.name()).isEqualTo("60");
            }
        }
    }

    @Test
    void wildcardWithExpiresZeroRemovesEveryBinding() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                SipResponse registered = register(client, transport, user, callId(), 1, UnaryOperator.identity())
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
                assertThat(registered.getStatus()).as(transport + " registered").isEqualTo(200);
                assertThat(registered.getHeaders(HeaderName.CONTACT)).hasSize(1);

                SipResponse removed = register(client, transport, user, callId(), 1,
                        r -> r.contact("*").setHeader("Expires", "0"))
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
                assertThat(removed.getStatus()).as(transport + " " + removed.getReasonPhrase()).isEqualTo(200);
                assertThat(removed.getHeaders(HeaderName.CONTACT)).as(transport + " bindings left").isEmpty();

                SipResponse fetched = register(client, transport, user, callId(), 1, RequestBuilder::noContact)
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
                assertThat(fetched.getStatus()).isEqualTo(200);
                assertThat(fetched.getHeaders(HeaderName.CONTACT)).as(transport + " fetched bindings").isEmpty();
            }
        }
    }

    @Test
    void registerWithAnEqualCSeqForTheSameCallIdFailsWith500() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            String callId = callId();
            try (SipTestClient client = client(user)) {
                // 401 at CSeq 1, 200 at CSeq 2; then the same again: the binding already has CSeq 2 for this Call-ID.
                SipResponse first = register(client, transport, user, callId, 1, UnaryOperator.identity())
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
                assertThat(first.getStatus()).as(transport + " first").isEqualTo(200);

                SipResponse replayed = register(client, transport, user, callId, 1, UnaryOperator.identity())
                        .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);

                assertThat(replayed.getStatus()).as(transport + " " + replayed.getReasonPhrase()).isEqualTo(500);
            }
        }
    }

    /**
     * RFC 3261 §17.2.3 / §10.3: a retransmission that reaches the registrar (over TCP Timer J is 0, so a copy resent
     * on a new connection is a new server transaction) is the same request and gets the same 200 with the binding,
     * not 401 stale for its repeated nonce-count nor 500 for its repeated CSeq. The same credentials on another
     * transaction (another CSeq and branch) are a replay: 401 with stale=true, and the binding list is unchanged.
     */
    @Test
    void aRetransmittedRegisterReachingTheRegistrarGetsTheSame200AndReplayedCredentialsAre401Stale() throws Exception {
        String user = newSubscriber();
        try (SipTestClient client = client(user)) {
            var authenticated = register(client, TransportType.TCP, user, callId(), 1,
                    r -> r.setHeader("Expires", "600")).authenticate(user, PASSWORD, WAIT);
            SipResponse ok = authenticated.awaitFinal(WAIT);
            assertThat(ok.getStatus()).as(ok.getReasonPhrase()).isEqualTo(200);
            String sent = new String(authenticated.request().encode(), StandardCharsets.UTF_8);
            InetSocketAddress registrar = sipAddress("sip-tcp");

            String again = RawTcp.exchange(registrar, sent, WAIT);

            assertThat(RawTcp.statusLine(again)).as(again).isEqualTo("SIP/2.0 200 OK");
            assertThat(RawTcp.headers(again, "Contact")).as(again).singleElement().asString()
                    .contains(client.contactUri(TransportType.TCP).toString());

            String replay = sent.replaceFirst("(?i)branch=[^;,\\s]+", "branch=z9hG4bK-replay-" + UUID.randomUUID())
                    .replaceFirst("(?im)^CSeq:\\s*2 REGISTER", "CSeq: 3 REGISTER")
                    .replaceFirst("(?i)Expires:\\s*600", "Expires: 0");
            String refused = RawTcp.exchange(registrar, replay, WAIT);

            assertThat(RawTcp.statusLine(refused)).as(refused).isEqualTo("SIP/2.0 401 Unauthorized");
            assertThat(RawTcp.headers(refused, "WWW-Authenticate")).as(refused)
                    .allSatisfy(value -> assertThat(value).contains("stale=true"));
            SipResponse fetched = register(client, TransportType.TCP, user, callId(), 1, RequestBuilder::noContact)
                    .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
            assertThat(fetched.getHeaders(HeaderName.CONTACT)).as("bindings after the replay").hasSize(1);
        }
    }

    @Test
    void unsupportedRequiredExtensionIsRefusedWith420() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                SipResponse answer = register(client, transport, user, callId(), 1,
                        r -> r.setHeader("Require", "path, x-teleport")).awaitFinal(WAIT);

                // Step 2 comes before authentication: no challenge first.
                assertThat(answer.getStatus()).as(transport + " " + answer.getReasonPhrase()).isEqualTo(420);
                assertThat(answer.getHeader(HeaderName.UNSUPPORTED)).as(transport.name()).isEqualTo("x-teleport");
            }
        }
    }

    @Test
    void aCallIdLongerThanABindingStoresIsRefusedWith400NamingIt() throws Exception {
        for (TransportType transport : TRANSPORTS) {
            String user = newSubscriber();
            try (SipTestClient client = client(user)) {
                SipResponse answer = register(client, transport, user, "x".repeat(300) + "@it", 1, r -> r)
                        .awaitFinal(WAIT);

                // Refused before authentication: a 200 for a binding that cannot be stored would be a lie.
                assertThat(answer.getStatus()).as(transport + " " + answer.getReasonPhrase()).isEqualTo(400);
                assertThat(answer.getReasonPhrase()).as(transport.name()).contains("Call-ID longer than 255");
            }
        }
    }

    private static SipTestClient client(String user) {
        return SipTestClient.builder().transports(TransportType.UDP, TransportType.TCP).user(user).build();
    }

    private org.sipcity.testing.SentRequest register(SipTestClient client, TransportType transport, String user,
            String callId, long cseq, UnaryOperator<RequestBuilder> customizer) throws IOException {
        String aor = "<sip:" + user + "@" + DOMAIN + ">";
        RequestBuilder request = client.request("REGISTER", "sip:" + DOMAIN)
                .from(aor + ";tag=" + UUID.randomUUID().toString().substring(0, 8))
                .to(aor)
                .callId(callId)
                .cseq(cseq)
                .transport(transport)
                .target(sipAddress(transport == TransportType.UDP ? "sip-udp" : "sip-tcp"));
        return customizer.apply(request).send();
    }

    /** Adds a subscriber with a name of its own through the deployment's seeding servlet. */
    private String newSubscriber() throws IOException, InterruptedException {
        String user = "it-" + UUID.randomUUID().toString().substring(0, 13);
        String form = "username=" + encode(user) + "&domain=" + encode(DOMAIN) + "&password=" + encode(PASSWORD);
        HttpRequest post = HttpRequest.newBuilder(URI.create(deploymentUrl + "it/subscribers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(WAIT).build()
                .send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("seeding %s: %s", user, response.body()).isEqualTo(201);
        return user;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String callId() {
        return UUID.randomUUID() + "@it.sipcity";
    }

    private static int expiresParameter(String contact) {
        int at = contact.toLowerCase(java.util.Locale.ROOT).indexOf(";expires=");
        assertThat(at).as("expires parameter in %s", contact).isNotNegative();
        String rest = contact.substring(at + ";expires=".length());
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return Integer.parseInt(rest.substring(0, end));
    }

    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        ModelNode response = management.getControllerClient().execute(read);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), response.get("result").asInt());
    }
}
