package org.sipcity.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
 * Two clustered nodes (docs/CLUSTERING.md) on one PostgreSQL database, each its own WildFly process on its own
 * loopback address: node A = 127.0.0.2, node B = 127.0.0.3. What one node's registrar stores, the other's lists at
 * once; UA2 registering on B gets B's Path with a region flow token in its 200; UA1 on A calls UA2 and the INVITE goes
 * through B by that Path and reaches UA2 over its own flow, gets 430 once that flow is gone, and 403 with a forged
 * token; a killed node takes none of the other node's bindings with it, A stops offering the dead node's bindings
 * (480 instead of a route to the dead node), and UA2, re-registering its flow on the surviving node, replaces its old
 * binding and is called there. Time figures are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCoherenceIT {

    private static final String DOMAIN = "localhost";
    private static final String PASSWORD = "cluster-Pa55";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int A = 1;
    private static final int B = 2;

    private final ClusterDatabase database = new ClusterDatabase();
    private ClusterNodes nodes;
    private String unreachable;

    @BeforeAll
    void startTwoNodes() {
        unreachable = database.prepare();
        if (unreachable != null && Boolean.getBoolean("sipcity.databases.required")) {
            throw new IllegalStateException(unreachable + " (sipcity.databases.required is set)");
        }
        if (unreachable != null) {
            System.err.println("SKIPPED ClusterCoherenceIT: " + unreachable);
            return;
        }
        nodes = new ClusterNodes(database.url, database.user, database.password);
        if (!Boolean.getBoolean("sipcity.cluster.reuse")) {
            nodes.start(2);
        }
    }

    @AfterAll
    void stopNodes() {
        if (nodes != null && !Boolean.getBoolean("sipcity.cluster.reuse")) {
            nodes.stopAll();
        }
    }

    @Test
    @Order(1)
    void aBindingMadeOnOneNodeIsListedByTheOtherOnceTheFirstAnswered() throws Exception {
        assumeTrue(unreachable == null, unreachable);
        int users = 20;
        List<Long> registerMillis = new ArrayList<>();
        List<Long> seenOnOtherMillis = new ArrayList<>();
        for (int n = 0; n < users; n++) {
            String user = database.newSubscriber(DOMAIN, PASSWORD);
            try (SipTestClient client = client(user)) {
                // B loads the AOR (no binding) into memory first: what follows must make it reload.
                assertThat(contacts(register(client, B, user, RequestBuilder::noContact))).as("B before").isEmpty();

                long sent = System.nanoTime();
                SipResponse registered = register(client, A, user, r -> r.setHeader("Expires", "600"));
                long answered = System.nanoTime();
                assertThat(registered.getStatus()).as("REGISTER on A: " + registered.getReasonPhrase()).isEqualTo(200);
                String contact = client.contactUri(TransportType.TCP).toString();

                SipResponse fetched = register(client, B, user, RequestBuilder::noContact);
                long seen = System.nanoTime();
                assertThat(contacts(fetched)).as("B lists what A stored").singleElement()
                        .satisfies(value -> assertThat(value).contains(contact));
                registerMillis.add((answered - sent) / 1_000_000);
                seenOnOtherMillis.add((seen - answered) / 1_000_000);

                // and back: a removal on B, after A has the AOR in memory
                assertThat(contacts(register(client, A, user, RequestBuilder::noContact))).hasSize(1);
                SipResponse removed = register(client, B, user, r -> r.setHeader("Expires", "0"));
                assertThat(removed.getStatus()).isEqualTo(200);
                assertThat(contacts(register(client, A, user, RequestBuilder::noContact))).as("A after B removed")
                        .isEmpty();
            }
        }
        System.out.printf(Locale.ROOT, "cluster coherence, %d users: REGISTER on A (with challenge) p50 %d ms, max %d ms;"
                + " from A's 200 to B's 200 listing the binding (a fetching REGISTER with challenge) p50 %d ms, max %d ms%n",
                users, percentile(registerMillis, 50), percentile(registerMillis, 100),
                percentile(seenOnOtherMillis, 50), percentile(seenOnOtherMillis, 100));
    }

    @Test
    @Order(2)
    void ua1OnNodeACallsUa2AndTheInviteReachesUa2OverItsFlowOnNodeB() throws Exception {
        assumeTrue(unreachable == null, unreachable);
        String ua1 = database.newSubscriber(DOMAIN, PASSWORD);
        String ua2 = database.newSubscriber(DOMAIN, PASSWORD);
        try (SipTestClient caller = client(ua1); SipTestClient callee = client(ua2)) {
            assertThat(register(caller, A, ua1, UnaryOperator.identity()).getStatus()).isEqualTo(200);
            SipResponse onB = register(callee, B, ua2, outbound(callee, instance()));
            assertThat(onB.getStatus()).isEqualTo(200);
            Flow toB = onlyFlow(callee);
            // RFC 3327 §5.3 / RFC 5626 §5: B, the edge proxy of UA2's flow, is on the Path the registrar stored and
            // returned, with the flow sealed as a region token ("!").
            String path = onB.getHeader(HeaderName.PATH);
            assertThat(path).as("B's Path in the 200").isNotNull()
                    .contains("sip:" + nodes.sip(B).getAddress().getHostAddress() + ":" + nodes.sip(B).getPort())
                    .contains(";lr").contains(";ob")
                    .contains("flow=tcp:" + toB.localAddress().getAddress().getHostAddress() + ":"
                            + toB.localAddress().getPort() + "!");

            SentRequest invite = invite(caller, A, ua1, ua2);
            IncomingRequest received = callee.awaitRequest("INVITE", WAIT);
            SipRequest atCallee = received.request();
            assertThat(onlyFlow(callee)).as("the INVITE came over UA2's registration connection to node B")
                    .isSameAs(toB);
            assertThat(atCallee.getHeaders(HeaderName.VIA)).as("through node A, then node B").hasSize(3);
            assertThat(atCallee.getHeaders(HeaderName.RECORD_ROUTE)).as("both nodes stay in the dialog")
                    .anySatisfy(value -> assertThat(value).contains(nodes.sip(A).getAddress().getHostAddress()))
                    .anySatisfy(value -> assertThat(value).contains(nodes.sip(B).getAddress().getHostAddress()))
                    .as("B came in by the Path: it record-routes with UA2's flow token as the Path named it")
                    .anySatisfy(value -> assertThat(value).contains(path.substring(path.indexOf("flow="),
                            path.indexOf('!'))).contains("!"));

            received.respond(200);
            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(200);
            Dialog dialog = invite.ack(WAIT);
            callee.awaitRequest("ACK", WAIT);
            SentRequest bye = dialog.bye();
            callee.awaitRequest("BYE", WAIT).respond(200);
            assertThat(bye.awaitFinal(WAIT).getStatus()).as("BYE along the Record-Route").isEqualTo(200);

            // UA2's connection to B goes away without a de-registration: B, the owner, answers 430 for the flow
            // (RFC 5626 §5.3) and A passes it on, never trying the Contact.
            toB.close();
            for (int i = 0; i < 50 && toB.isOpen(); i++) {
                Thread.sleep(100);
            }
            SipResponse gone = invite(caller, A, ua1, ua2).awaitFinal(WAIT);
            assertThat(gone.getStatus()).as("INVITE to UA2 whose flow is gone: " + gone.getReasonPhrase())
                    .isEqualTo(430);
            assertThat(callee.pendingRequests()).as("nothing reached UA2 any other way").isEmpty();

            // A Route naming B with a token whose seal does not verify is refused with 403 (RFC 5626 §5.2), never
            // sent anywhere.
            String forgedRoute = path.replace("!", "!x");
            SipResponse forged = caller.request("INVITE", "sip:" + ua2 + "@" + DOMAIN)
                    .from("<sip:" + ua1 + "@" + DOMAIN + ">;tag=forged").to("<sip:" + ua2 + "@" + DOMAIN + ">")
                    .header("Route", forgedRoute).transport(TransportType.TCP).target(nodes.sip(B)).send()
                    .awaitFinal(WAIT);
            assertThat(forged.getStatus()).as("forged flow token: " + forged.getReasonPhrase()).isEqualTo(403);
        }
    }

    @Test
    @Order(3)
    void aKilledNodeLosesNoBindingOfTheOtherAndAFlowReRegisteredOnTheSurvivorReplacesItsOldBinding() throws Exception {
        assumeTrue(unreachable == null, unreachable);
        String ua1 = database.newSubscriber(DOMAIN, PASSWORD);
        String ua2 = database.newSubscriber(DOMAIN, PASSWORD);
        String instance = instance();
        try (SipTestClient client1 = client(ua1); SipTestClient client2 = client(ua2)) {
            UnaryOperator<RequestBuilder> flow2 = outbound(client2, instance);
            assertThat(register(client1, A, ua1, UnaryOperator.identity()).getStatus()).isEqualTo(200);
            SipResponse onB = register(client2, B, ua2, flow2);
            assertThat(onB.getStatus()).as("UA2 on B: " + onB.getReasonPhrase()).isEqualTo(200);
            assertThat(onB.getHeader(HeaderName.REQUIRE)).as("an outbound flow").contains("outbound");

            assertThat(contacts(register(client2, A, ua2, RequestBuilder::noContact))).as("A offers UA2's binding")
                    .hasSize(1);

            long killed = System.nanoTime();
            nodes.kill(B);

            // A stops offering UA2's binding from B once the view drops B: polled with fetching REGISTERs, bounded.
            long deadline = killed + Duration.ofSeconds(60).toNanos();
            List<String> offered = contacts(register(client2, A, ua2, RequestBuilder::noContact));
            while (!offered.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                offered = contacts(register(client2, A, ua2, RequestBuilder::noContact));
            }
            long hiddenMillis = (System.nanoTime() - killed) / 1_000_000;
            assertThat(offered).as("A no longer offers the binding UA2 made on the dead node B").isEmpty();
            System.out.printf(Locale.ROOT, "dead node: from kill -9 of B to A no longer offering B's binding %d ms"
                    + " (the kill command's own time included)%n", hiddenMillis);
            SipResponse unavailable = invite(client1, A, ua1, ua2).awaitFinal(WAIT);
            assertThat(unavailable.getStatus()).as("INVITE to UA2, whose only binding died with B: "
                    + unavailable.getReasonPhrase()).isEqualTo(480);

            // UA1's binding, made on A, is untouched.
            assertThat(contacts(register(client1, A, ua1, RequestBuilder::noContact))).as("UA1 after B died")
                    .hasSize(1);
            SipResponse reRegistered = register(client2, A, ua2, flow2);
            assertThat(reRegistered.getStatus()).as("UA2 re-registers on A: " + reRegistered.getReasonPhrase())
                    .isEqualTo(200);
            assertThat(contacts(reRegistered)).as("same +sip.instance and reg-id: one binding, replaced")
                    .singleElement().satisfies(value -> assertThat(value).contains("reg-id=1"));
            assertThat(contacts(register(client2, A, ua2, RequestBuilder::noContact))).hasSize(1);

            // and UA2 is reachable again, now over its flow to A
            Flow toA = onlyFlow(client2);
            SentRequest invite = invite(client1, A, ua1, ua2);
            IncomingRequest received = client2.awaitRequest("INVITE", WAIT);
            assertThat(onlyFlow(client2)).as("over UA2's new connection to node A").isSameAs(toA);
            received.respond(486);
            assertThat(invite.awaitFinal(WAIT).getStatus()).isEqualTo(486);
        }
    }

    private static String instance() {
        return "\"<urn:uuid:" + UUID.randomUUID() + ">\"";
    }

    /** An RFC 5626 registration: +sip.instance and reg-id 1 on the client's TCP contact. */
    private static UnaryOperator<RequestBuilder> outbound(SipTestClient client, String instance) {
        return r -> r.setHeader("Supported", "outbound, path")
                .contact("<" + client.contactUri(TransportType.TCP) + ">;+sip.instance=" + instance + ";reg-id=1");
    }

    /** An INVITE from {@code from} to {@code to}@DOMAIN sent to {@code node}, answered its 407 challenge. */
    private SentRequest invite(SipTestClient client, int node, String from, String to) {
        SentRequest challenged = client.request("INVITE", "sip:" + to + "@" + DOMAIN)
                .from("<sip:" + from + "@" + DOMAIN + ">;tag=" + UUID.randomUUID().toString().substring(0, 8))
                .to("<sip:" + to + "@" + DOMAIN + ">").transport(TransportType.TCP).target(nodes.sip(node))
                .body("application/sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                        + "m=audio 49170 RTP/AVP 0\r\n")
                .send();
        SipResponse challenge = challenged.awaitFinal(WAIT);
        assertThat(challenge.getStatus()).as("INVITE challenge: " + challenge.getReasonPhrase()).isEqualTo(407);
        return challenged.authenticate(from, PASSWORD, WAIT);
    }

    /** The one open TCP connection a client has. */
    private static Flow onlyFlow(SipTestClient client) {
        List<Flow> flows = client.stack().transports().flowTable().flows().stream()
                .filter(flow -> flow.transport() == TransportType.TCP && flow.isOpen()).toList();
        assertThat(flows).as("open TCP connections of " + client.user()).hasSize(1);
        return flows.get(0);
    }

    private SipResponse register(SipTestClient client, int node, String user, UnaryOperator<RequestBuilder> customizer)
            throws Exception {
        String aor = "<sip:" + user + "@" + DOMAIN + ">";
        InetSocketAddress target = nodes.sip(node);
        RequestBuilder request = client.request("REGISTER", "sip:" + DOMAIN)
                .from(aor + ";tag=" + UUID.randomUUID().toString().substring(0, 8))
                .to(aor)
                .callId(UUID.randomUUID() + "@cluster.it")
                .cseq(1)
                .transport(TransportType.TCP)
                .target(target);
        SipResponse first = customizer.apply(request).send().authenticate(user, PASSWORD, WAIT).awaitFinal(WAIT);
        assertThat(first.getStatus()).as("REGISTER to node %d (%s): %s; log %s", node, target, first.getReasonPhrase(),
                nodes.log(node)).isNotEqualTo(401);
        return first;
    }

    private static List<String> contacts(SipResponse response) {
        assertThat(response.getStatus()).as(response.getReasonPhrase()).isEqualTo(200);
        return response.getHeaders(HeaderName.CONTACT);
    }

    private static SipTestClient client(String user) {
        return SipTestClient.builder().transports(TransportType.TCP).user(user).build();
    }

    private static long percentile(List<Long> values, int percent) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
