package org.sipcity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transport.TransportType;

/** The UAS side: one test client calls another, which answers with awaitRequest/respond or a handler. */
class ClientToClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"UDP", "TCP"})
    void calleeAnswersAndHangsUp(TransportType transport) {
        try (SipTestClient alice = SipTestClient.builder().transports(transport).user("alice").build();
             SipTestClient bob = SipTestClient.builder().transports(transport).user("bob").build()) {
            SentRequest invite = alice.request("INVITE", bob.contactUri(transport).toString()).send();

            IncomingRequest incoming = bob.awaitRequest("INVITE", WAIT);
            incoming.respond(180);
            SipResponse sentOk = incoming.respond(200, ok -> ok.setHeader(HeaderName.of("X-Answered-By"), "bob"));
            SipResponse ok = invite.awaitFinal(WAIT);
            SipAssertions.assertThat(ok).hasStatus(200).hasHeaderContaining("X-Answered-By", "bob")
                    .hasHeaderContaining("Contact", "sip:bob@127.0.0.1:" + bob.localAddress(transport).getPort());
            assertThat(ok.getToTag()).isEqualTo(sentOk.getToTag())
                    .isEqualTo(invite.awaitResponse(180, WAIT).getToTag());    // one tag per UAS answer
            invite.ack(WAIT);
            IncomingRequest ack = bob.awaitRequest("ACK", WAIT);
            assertThatThrownBy(() -> ack.respond(200)).isInstanceOf(IllegalStateException.class);

            SentRequest bye = incoming.dialog().bye();       // the callee hangs up
            IncomingRequest byeAtAlice = alice.awaitRequest("BYE", WAIT);
            assertThat(byeAtAlice.request().getToTag()).isEqualTo(invite.request().getFromTag());
            assertThat(byeAtAlice.request().getFromTag()).isEqualTo(ok.getToTag());
            byeAtAlice.respond(200);
            SipAssertions.assertThat(bye.awaitFinal(WAIT)).hasStatus(200);
        }
    }

    @Test
    void aCancelledCalleeAnswers487ByItself() {
        try (SipTestClient alice = SipTestClient.builder().transports(TransportType.UDP).build();
             SipTestClient bob = SipTestClient.builder().transports(TransportType.UDP).build()) {
            SentRequest invite = alice.request("INVITE", bob.contactUri(TransportType.UDP).toString()).send();
            bob.awaitRequest("INVITE", WAIT).respond(180);

            SipAssertions.assertThat(invite.cancel(WAIT).awaitFinal(WAIT)).hasStatus(200);

            SipAssertions.assertThat(invite.awaitFinal(WAIT)).hasStatus(487);
            assertThat(bob.awaitRequest("CANCEL", WAIT).method()).isEqualTo("CANCEL");
        }
    }

    @Test
    void aHandlerAnswersRequestsAsTheyCome() throws Exception {
        try (SipTestClient caller = SipTestClient.start();
             SipTestClient server = SipTestClient.start()) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            server.onRequest(request -> {
                seen.complete(request.method());
                request.respond(202);
            });

            SentRequest message = caller.request("MESSAGE", server.contactUri(TransportType.TCP).toString())
                    .body("text/plain", "hi").send();

            SipAssertions.assertThat(message.awaitFinal(WAIT)).hasStatus(202);
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("MESSAGE");
            assertThat(message.transport()).isEqualTo(TransportType.TCP);   // from the URI's transport parameter
        }
    }

    @Test
    void ipv6LoopbackWorksToo() {
        try (SipTestClient caller = SipTestClient.builder().host("::1").transports(TransportType.UDP).build();
             SipTestClient callee = SipTestClient.builder().host("::1").transports(TransportType.UDP).build()) {
            callee.onRequest(request -> request.respond(200));

            SentRequest options = caller.request("OPTIONS", callee.contactUri(TransportType.UDP).toString()).send();

            SipAssertions.assertThat(options.awaitFinal(WAIT)).hasStatus(200);
            assertThat(options.request().getFrom().uri().toString()).isEqualTo("sip:sip-test@[::1]");
            assertThat(options.request().getTopVia().host()).isEqualTo("[::1]");
        }
    }
}
