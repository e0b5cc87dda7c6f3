package org.sipcity.it.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.testing.Dialog;
import org.sipcity.testing.IncomingRequest;
import org.sipcity.testing.RequestBuilder;
import org.sipcity.testing.SentRequest;
import org.sipcity.testing.SipTestClient;

/**
 * The registrar WAR's proxy in the provisioned server, between SIP test clients on loopback: subscribers register
 * with digest, then call each other through it. The callee's Contact names a loopback address where nothing listens
 * ({@code 127.0.0.9:9}, standing for a private address behind NAT): a request reaches the callee only if the proxy
 * uses the flow the registration came over, as it must.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@ServerSetup(ProxyIT.NextHop.class)
class ProxyIT {

    private static final String DOMAIN = "localhost";
    private static final String PASSWORD = "pr0xy-Pa55";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Where a NAT'ed UA's Contact would point: reachable by nobody. */
    private static final String UNREACHABLE = "127.0.0.9:9";
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    /** The next hop for other domains: a SIP test client on this port, set before the WAR deploys. */
    static final int NEXT_HOP_PORT = freePort();

    /** Sets {@code sipcity.registrar.proxy-next-hop} for this test's deployment, and removes it afterwards. */
    public static final class NextHop implements ServerSetupTask {
        private static final String PROPERTY = "sipcity.registrar.proxy-next-hop";

        @Override
        public void setup(ManagementClient client, String containerId) throws Exception {
            ModelNode add = new ModelNode();
            add.get("operation").set("add");
            add.get("address").add("system-property", PROPERTY);
            add.get("value").set("sip:127.0.0.1:" + NEXT_HOP_PORT + ";transport=tcp");
            ModelNode result = client.getControllerClient().execute(add);
            assertThat(result.get("outcome").asString()).as(result.toString()).isEqualTo("success");
        }

        @Override
        public void tearDown(ManagementClient client, String containerId) throws Exception {
            ModelNode remove = new ModelNode();
            remove.get("operation").set("remove");
            remove.get("address").add("system-property", PROPERTY);
            client.getControllerClient().execute(remove);
        }
    }

    @Deployment(testable = false)
    static WebArchive registrar() {
        return RegistrarWar.withSubscriberSeed();
    }

    @ArquillianResource
    ManagementClient management;

    @ArquillianResource
    URL deploymentUrl;

    @Test
    void aCallGoesOverTheCalleesOwnConnectionAndItsDialogFollowsTheRecordRoute() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice); SipTestClient callee = tcpClient(bob)) {
            register(caller, alice, TransportType.TCP, "<sip:" + alice + "@" + UNREACHABLE + ";transport=tcp>");
            register(callee, bob, TransportType.TCP, "<sip:" + bob + "@" + UNREACHABLE + ";transport=tcp>");
            Flow callerRegisteredOver = onlyFlow(caller);
            Flow registeredOver = onlyFlow(callee);

            // Both Contacts are unreachable: every request of the dialog travels over the two registration flows.
            SentRequest invite = authenticated(invite(caller, alice, bob, TransportType.TCP)
                    .contact("<sip:" + alice + "@" + UNREACHABLE + ";transport=tcp>"));
            IncomingRequest received = callee.awaitRequest("INVITE", WAIT);
            SipRequest atCallee = received.request();
            assertThat(atCallee.getRequestUri().toString()).as("Request-URI: the Contact")
                    .isEqualTo("sip:" + bob + "@" + UNREACHABLE + ";transport=tcp");
            assertThat(onlyFlow(callee)).as("the INVITE came over the registration's connection")
                    .isSameAs(registeredOver);
            assertThat(atCallee.getHeaders(HeaderName.RECORD_ROUTE)).as("Record-Route: one per side's flow")
                    .hasSize(2).allSatisfy(value -> assertThat(value).contains(";flow="));
            assertThat(atCallee.getHeaders(HeaderName.PROXY_AUTHORIZATION)).as("our credentials consumed").isEmpty();
            assertThat(atCallee.getHeader(HeaderName.ROUTE)).as("the flow route is ours, not the callee's").isNull();
            assertThat(new String(atCallee.getBody(), StandardCharsets.UTF_8)).isEqualTo(SDP);

            received.respond(180);
            invite.awaitResponse(180, WAIT);
            // The callee's 2xx Contact is unreachable too: the ACK and BYE reach it by the Record-Route's flow only.
            received.respond(200, response -> {
                response.setHeader(HeaderName.CONTACT, "<sip:" + bob + "@" + UNREACHABLE + ";transport=tcp>");
                response.setBody(SDP.getBytes(StandardCharsets.UTF_8), "application/sdp");
            });
            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(200);
            Dialog dialog = invite.ack(WAIT);
            callee.awaitRequest("ACK", WAIT);

            SentRequest info = dialog.request("INFO").send();
            IncomingRequest infoAtCallee = callee.awaitRequest("INFO", WAIT);
            assertThat(onlyFlow(callee)).as("the INFO came over the registration's connection").isSameAs(registeredOver);
            infoAtCallee.respond(200);
            assertThat(info.awaitFinal(WAIT).getStatus()).isEqualTo(200);

            // The callee hangs up: its BYE reaches the caller over the caller's own registration connection.
            SentRequest bye = received.dialog().bye();
            IncomingRequest byeAtCaller = caller.awaitRequest("BYE", WAIT);
            assertThat(onlyFlow(caller)).as("the BYE came over the caller's connection").isSameAs(callerRegisteredOver);
            byeAtCaller.respond(200);
            assertThat(bye.awaitFinal(WAIT).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownUserIs404AndAUserWithoutBindingIs480() throws Exception {
        String alice = newSubscriber();
        String absent = newSubscriber();
        try (SipTestClient caller = tcpClient(alice)) {
            SipResponse unknown = authenticated(invite(caller, alice, "nobody-" + UUID.randomUUID(), TransportType.TCP))
                    .awaitFinal(WAIT);
            assertThat(unknown.getStatus()).as(unknown.getReasonPhrase()).isEqualTo(404);

            SipResponse unregistered = authenticated(invite(caller, alice, absent, TransportType.TCP)).awaitFinal(WAIT);
            assertThat(unregistered.getStatus()).as(unregistered.getReasonPhrase()).isEqualTo(480);
        }
    }

    @Test
    void theLowerQContactIsTriedOnlyAfterTheHigherOneFailed() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice); SipTestClient desk = tcpClient(bob);
             SipTestClient mobile = tcpClient(bob)) {
            register(desk, bob, TransportType.TCP, "<" + desk.contactUri(TransportType.TCP) + ">;q=1.0");
            register(mobile, bob, TransportType.TCP, "<" + mobile.contactUri(TransportType.TCP) + ">;q=0.5");

            SentRequest invite = authenticated(invite(caller, alice, bob, TransportType.TCP));
            IncomingRequest atDesk = desk.awaitRequest("INVITE", WAIT);
            assertThat(mobile.pendingRequests()).as("the q=0.5 contact while q=1.0 is tried").isEmpty();
            atDesk.respond(486);

            IncomingRequest atMobile = mobile.awaitRequest("INVITE", WAIT);
            atMobile.respond(200, response -> response.setBody(SDP.getBytes(StandardCharsets.UTF_8), "application/sdp"));
            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(200);
            Dialog dialog = invite.ack(WAIT);
            mobile.awaitRequest("ACK", WAIT);
            SentRequest bye = dialog.bye();
            mobile.awaitRequest("BYE", WAIT).respond(200);
            assertThat(bye.awaitFinal(WAIT).getStatus()).isEqualTo(200);
        }
    }

    /**
     * RFC 3261 §16.7 step 5, §13.2.2.4; JSR 289 §10.2.4: bob registered from two phones (one AOR, two bindings of
     * one q-value: one group, forked in parallel) and both answer 200 before the CANCEL of the second could go out.
     * Both 2xx reach the caller, who ACKs each and hangs both up: each dialog's ACK and BYE reach the phone that
     * answered it over its registration connection, and each BYE is answered 200. The first dialog ends first: the
     * second must still be routed after it.
     */
    @Test
    void aCallForkedToTwoPhonesThatBothAnswerGivesTwoDialogsWhoseByesBothReachTheirPhone() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice); SipTestClient desk = tcpClient(bob);
             SipTestClient mobile = tcpClient(bob)) {
            register(desk, bob, TransportType.TCP, "<sip:" + bob + "@" + UNREACHABLE + ";transport=tcp>");
            register(mobile, bob, TransportType.TCP, "<sip:" + bob + "@127.0.0.10:9;transport=tcp>");

            SentRequest invite = authenticated(invite(caller, alice, bob, TransportType.TCP));
            IncomingRequest atDesk = desk.awaitRequest("INVITE", WAIT);
            IncomingRequest atMobile = mobile.awaitRequest("INVITE", WAIT);
            atDesk.respond(200, response -> response.setBody(SDP.getBytes(StandardCharsets.UTF_8), "application/sdp"));
            SipResponse fromDesk = invite.awaitFinal(WAIT);
            atMobile.respond(200, response -> response.setBody(SDP.getBytes(StandardCharsets.UTF_8), "application/sdp"));
            SipResponse fromMobile = invite.awaitAnother2xx(fromDesk, WAIT);

            assertThat(fromDesk.getStatus()).isEqualTo(200);
            assertThat(fromMobile.getStatus()).as("the second 2xx goes upstream too").isEqualTo(200);
            assertThat(fromMobile.getHeaders(HeaderName.RECORD_ROUTE)).as("the second dialog is record-routed")
                    .hasSize(2);
            Dialog deskCall = invite.ack(WAIT);
            Dialog mobileCall = invite.ackAnother(fromMobile);
            desk.awaitRequest("ACK", WAIT);
            mobile.awaitRequest("ACK", WAIT);

            SentRequest byeDesk = deskCall.bye();
            desk.awaitRequest("BYE", WAIT).respond(200);
            assertThat(byeDesk.awaitFinal(WAIT).getStatus()).as("the first dialog's BYE").isEqualTo(200);

            SentRequest byeMobile = mobileCall.bye();
            IncomingRequest byeAtMobile = mobile.awaitRequest("BYE", WAIT);
            assertThat(byeAtMobile.request().getToTag()).as("the BYE names the mobile's dialog")
                    .isEqualTo(fromMobile.getToTag());
            byeAtMobile.respond(200);
            assertThat(byeMobile.awaitFinal(WAIT).getStatus()).as("the second dialog's BYE").isEqualTo(200);
            assertThat(desk.pendingRequests()).as("nothing of the mobile's dialog reached the desk").isEmpty();
        }
    }

    @Test
    void aRingingCallCancelledByTheCallerEndsWith487() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice); SipTestClient callee = tcpClient(bob)) {
            register(callee, bob, TransportType.TCP, "<sip:" + bob + "@" + UNREACHABLE + ";transport=tcp>");

            SentRequest invite = authenticated(invite(caller, alice, bob, TransportType.TCP));
            callee.awaitRequest("INVITE", WAIT).respond(180);
            invite.awaitResponse(180, WAIT);

            assertThat(invite.cancel(WAIT).awaitFinal(WAIT).getStatus()).as("200 to the CANCEL").isEqualTo(200);
            callee.awaitRequest("CANCEL", WAIT);
            assertThat(invite.awaitFinal(WAIT).getStatus()).as("the INVITE").isEqualTo(487);
        }
    }

    @Test
    void anOutboundBindingWhoseFlowIsGoneFailsWith430() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice)) {
            try (SipTestClient callee = tcpClient(bob)) {
                SipResponse registered = register(callee, bob, TransportType.TCP, "<sip:" + bob + "@" + UNREACHABLE
                        + ";transport=tcp;ob>;+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\";reg-id=1");
                assertThat(registered.getHeader(HeaderName.REQUIRE)).as("an outbound flow").contains("outbound");
            }   // the callee's connection closes with its client

            SipResponse failed = authenticated(invite(caller, alice, bob, TransportType.TCP)).awaitFinal(WAIT);

            assertThat(failed.getStatus()).as(failed.getReasonPhrase()).isEqualTo(430);
        }
    }

    @Test
    void aUdpContactIsReachedAtTheAddressItRegisteredFrom() throws Exception {
        String alice = newSubscriber();
        String bob = newSubscriber();
        try (SipTestClient caller = tcpClient(alice);
             SipTestClient callee = SipTestClient.builder().transports(TransportType.UDP).user(bob).build()) {
            register(callee, bob, TransportType.UDP, "<sip:" + bob + "@" + UNREACHABLE + ">");

            SentRequest invite = authenticated(invite(caller, alice, bob, TransportType.TCP));
            IncomingRequest received = callee.awaitRequest("INVITE", WAIT);
            assertThat(received.transport()).isEqualTo(TransportType.UDP);
            received.respond(486);

            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(486);
        }
    }

    @Test
    void anotherDomainIsReachedThroughTheNextHopOnlyByAuthenticatedSubscribers() throws Exception {
        String alice = newSubscriber();
        try (SipTestClient caller = tcpClient(alice);
             SipTestClient nextHop = SipTestClient.builder().transports(TransportType.TCP).port(NEXT_HOP_PORT)
                     .user("gateway").build()) {
            String foreignCredentials = "Digest username=\"alice\", realm=\"example.net\", nonce=\"n\","
                    + " uri=\"sip:dave@example.net\", response=\"00000000000000000000000000000000\"";
            SentRequest challenged = caller.request("INVITE", "sip:dave@example.net")
                    .from("<sip:" + alice + "@" + DOMAIN + ">;tag=" + tag()).to("<sip:dave@example.net>")
                    .header("Proxy-Authorization", foreignCredentials)
                    .transport(TransportType.TCP).target(sipAddress("sip-tcp"))
                    .body("application/sdp", SDP).send();
            SipResponse challenge = challenged.awaitFinal(WAIT);
            assertThat(challenge.getStatus()).isEqualTo(407);
            assertThat(challenge.getHeaders(HeaderName.PROXY_AUTHENTICATE))
                    .anySatisfy(value -> assertThat(value).contains("realm=\"" + DOMAIN + "\""));

            SentRequest invite = challenged.authenticate(alice, PASSWORD, WAIT);
            IncomingRequest forwarded = nextHop.awaitRequest("INVITE", WAIT);
            assertThat(forwarded.request().getRequestUri().toString()).isEqualTo("sip:dave@example.net");
            assertThat(forwarded.request().getHeaders(HeaderName.PROXY_AUTHORIZATION))
                    .as("only the credentials for another realm go on").containsExactly(foreignCredentials);
            forwarded.respond(486);
            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(486);

            SipResponse relay = caller.request("INVITE", "sip:dave@example.net")
                    .from("<sip:mallory@evil.example>;tag=" + tag()).to("<sip:dave@example.net>")
                    .transport(TransportType.TCP).target(sipAddress("sip-tcp")).send().awaitFinal(WAIT);
            assertThat(relay.getStatus()).as("no open relay: " + relay.getReasonPhrase()).isEqualTo(403);

            SipResponse ping = caller.request("OPTIONS", "sip:" + DOMAIN).transport(TransportType.TCP)
                    .target(sipAddress("sip-tcp")).send().awaitFinal(WAIT);
            assertThat(ping.getStatus()).as("OPTIONS to the server itself").isEqualTo(200);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static SipTestClient tcpClient(String user) {
        return SipTestClient.builder().transports(TransportType.TCP).user(user).build();
    }

    /** REGISTER with digest; the 200 must come back. */
    private SipResponse register(SipTestClient client, String user, TransportType transport, String contact)
            throws IOException {
        String aor = "<sip:" + user + "@" + DOMAIN + ">";
        SipResponse ok = client.request("REGISTER", "sip:" + DOMAIN).from(aor + ";tag=" + tag()).to(aor)
                .contact(contact).setHeader("Expires", "600").transport(transport)
                .target(sipAddress(transport == TransportType.UDP ? "sip-udp" : "sip-tcp")).send()
                .authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
        assertThat(ok.getStatus()).as("REGISTER of " + user + ": " + ok.getReasonPhrase()).isEqualTo(200);
        return ok;
    }

    private RequestBuilder invite(SipTestClient client, String from, String to, TransportType transport)
            throws IOException {
        return client.request("INVITE", "sip:" + to + "@" + DOMAIN)
                .from("<sip:" + from + "@" + DOMAIN + ">;tag=" + tag()).to("<sip:" + to + "@" + DOMAIN + ">")
                .transport(transport).target(sipAddress(transport == TransportType.UDP ? "sip-udp" : "sip-tcp"))
                .body("application/sdp", SDP);
    }

    /** Sends the request, expects the 407 challenge of our domain and answers it. */
    private static SentRequest authenticated(RequestBuilder request) {
        SentRequest challenged = request.send();
        SipResponse challenge = challenged.awaitFinal(WAIT);
        assertThat(challenge.getStatus()).as("challenge: " + challenge.getReasonPhrase()).isEqualTo(407);
        return challenged.authenticate(AddressOfRecordUser.of(challenged.request()), PASSWORD, WAIT);
    }

    /** The one TCP connection a client has. */
    private static Flow onlyFlow(SipTestClient client) {
        List<Flow> flows = client.stack().transports().flowTable().flows().stream()
                .filter(flow -> flow.transport() == TransportType.TCP && flow.isOpen()).toList();
        assertThat(flows).as("TCP connections of " + client.user()).hasSize(1);
        return flows.get(0);
    }

    /** Adds a subscriber with a name of its own through the deployment's seeding servlet. */
    private String newSubscriber() throws IOException, InterruptedException {
        String user = "px-" + UUID.randomUUID().toString().substring(0, 13);
        String form = "username=" + encode(user) + "&domain=" + encode(DOMAIN) + "&password=" + encode(PASSWORD);
        HttpRequest post = HttpRequest.newBuilder(URI.create(deploymentUrl + "it/subscribers"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(WAIT).build()
                .send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("seeding %s: %s", user, response.body()).isEqualTo(201);
        return user;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free loopback port for the next hop", e);
        }
    }

    /** The From user of a request we built: the subscriber whose password answers its challenge. */
    private static final class AddressOfRecordUser {
        static String of(SipRequest request) {
            String from = request.getHeader(HeaderName.FROM);
            return from.substring(from.indexOf("sip:") + 4, from.indexOf('@'));
        }
    }
}
