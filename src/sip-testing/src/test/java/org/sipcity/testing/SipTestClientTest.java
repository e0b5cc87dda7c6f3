package org.sipcity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.TransportType;

/** The test client against a UAS on a bare stack ({@link StackResponder}), over loopback UDP, TCP and TLS. */
class SipTestClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path certificates;
    private static SSLContext tls;
    private static StackResponder responder;
    private SipTestClient client;

    @BeforeAll
    static void startResponder() throws Exception {
        tls = SelfSignedTls.context(certificates);
        responder = new StackResponder(tls);
    }

    @AfterAll
    static void stopResponder() {
        if (responder != null) {
            responder.close();
        }
    }

    @BeforeEach
    void startClient() {
        responder.received.clear();
        client = SipTestClient.builder().transports(TransportType.UDP, TransportType.TCP).tls(tls).user("alice")
                .build();
    }

    @AfterEach
    void stopClient() {
        client.close();
    }

    @ParameterizedTest
    @EnumSource(TransportType.class)
    void optionsIsAnswered200(TransportType transport) throws Exception {
        SentRequest options = client.request("OPTIONS", responder.uri("bob", transport)).send();

        SipResponse ok = options.awaitFinal(WAIT);

        SipAssertions.assertThat(ok).hasStatus(200).hasToTag().hasHeaderContaining("Via", transport.viaToken());
        SipRequest seen = responder.next("OPTIONS");
        assertThat(seen.getHeader(HeaderName.MAX_FORWARDS)).isEqualTo("70");
        assertThat(seen.getFrom().tag()).isNotBlank();
        assertThat(seen.getFrom().uri().toString()).isEqualTo("sip:alice@127.0.0.1");
        assertThat(seen.getCSeq().sequence()).isEqualTo(1);
        assertThat(seen.getTopVia().branch()).startsWith("z9hG4bK");
        assertThat(seen.getTopVia().transport()).isEqualTo(transport.viaToken());
        assertThat(seen.hasHeader(HeaderName.CONTACT)).isFalse();
    }

    @Test
    void headersAndBodyAreSettable() throws Exception {
        client.request("OPTIONS", responder.uri("bob", TransportType.TCP))
                .header("X-Test", "one").header("X-Test", "two").setHeader("Max-Forwards", "5")
                .callId("fixed-call-id@test").cseq(42).body("text/plain", "hello")
                .send().awaitFinal(WAIT);

        SipRequest seen = responder.next("OPTIONS");
        assertThat(seen.getHeaders(HeaderName.of("X-Test"))).containsExactly("one", "two");
        assertThat(seen.getMaxForwards()).isEqualTo(5);
        assertThat(seen.getCallId()).isEqualTo("fixed-call-id@test");
        assertThat(seen.getCSeq().sequence()).isEqualTo(42);
        assertThat(new String(seen.getBody(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(seen.getHeader(HeaderName.CONTENT_TYPE)).isEqualTo("text/plain");
    }

    @ParameterizedTest
    @EnumSource(TransportType.class)
    void registerIsChallengedThenAuthenticatedWithSha256(TransportType transport) throws Exception {
        SentRequest register = client.request("REGISTER", "sip:127.0.0.1;transport=" + transport.uriParameter())
                .target(responder.addresses.get(transport)).send();

        SipAssertions.assertThat(register.awaitFinal(WAIT)).hasStatus(401).hasHeader("WWW-Authenticate");
        SentRequest authenticated = register.authenticate("alice", StackResponder.PASSWORD, WAIT);

        SipAssertions.assertThat(authenticated.awaitFinal(WAIT)).hasStatus(200)
                .hasHeaderContaining("Contact", "sip:alice@127.0.0.1:" + client.localAddress(transport).getPort());
        assertThat(responder.verifiedAlgorithm).isEqualTo("SHA-256");    // the stronger of the two (RFC 8760 §2.4)
        SipRequest first = responder.next("REGISTER");
        SipRequest second = responder.next("REGISTER");
        assertThat(second.getCallId()).isEqualTo(first.getCallId());       // RFC 3261 §10.2.4 / §22.2
        assertThat(second.getCSeq().sequence()).isEqualTo(first.getCSeq().sequence() + 1);
        assertThat(second.getTopVia().branch()).isNotEqualTo(first.getTopVia().branch());
        assertThat(second.getTo().uri().toString()).isEqualTo("sip:alice@127.0.0.1");   // the address of record
    }

    @Test
    void aWrongPasswordIsRefused() {
        SentRequest register = client.request("REGISTER", "sip:127.0.0.1")
                .target(responder.addresses.get(TransportType.UDP)).send();

        SipAssertions.assertThat(register.authenticate("alice", "wrong", WAIT).awaitFinal(WAIT)).hasStatus(403);
    }

    @ParameterizedTest
    @EnumSource(TransportType.class)
    void inviteRingsIsAnsweredAcknowledgedAndHungUp(TransportType transport) throws Exception {
        SentRequest invite = client.request("INVITE", responder.uri("bob", transport))
                .body("application/sdp", "v=0\r\n").send();

        SipResponse ok = invite.awaitFinal(WAIT);
        SipAssertions.assertThat(ok).hasStatus(200).hasHeader("Record-Route");
        assertThat(invite.awaitResponse(180, WAIT).getToTag()).isEqualTo(ok.getToTag());
        assertThat(invite.provisionals()).extracting(SipResponse::getStatus).contains(180);
        Dialog dialog = invite.ack(WAIT);

        SipRequest ack = responder.next("ACK");
        assertThat(ack.getCSeq().sequence()).isEqualTo(invite.request().getCSeq().sequence());
        assertThat(ack.getToTag()).isEqualTo(ok.getToTag());
        assertThat(ack.getRequestUri().toString()).startsWith("sip:callee@127.0.0.1");   // the remote target
        assertThat(ack.getHeader(HeaderName.ROUTE)).isEqualTo(ok.getHeader(HeaderName.RECORD_ROUTE));
        assertThat(ack.getTopVia().branch()).isNotEqualTo(invite.request().getTopVia().branch());

        SentRequest bye = dialog.bye();
        SipAssertions.assertThat(bye.awaitFinal(WAIT)).hasStatus(200);
        SipRequest seenBye = responder.next("BYE");
        assertThat(seenBye.getCallId()).isEqualTo(invite.request().getCallId());
        assertThat(seenBye.getToTag()).isEqualTo(ok.getToTag());
        assertThat(seenBye.getFromTag()).isEqualTo(invite.request().getFromTag());
        assertThat(seenBye.getCSeq().sequence()).isGreaterThan(invite.request().getCSeq().sequence());
        assertThat(seenBye.getHeader(HeaderName.ROUTE)).isEqualTo(ok.getHeader(HeaderName.RECORD_ROUTE));
        assertThat(seenBye.getRequestUri().toString()).startsWith("sip:callee@127.0.0.1");
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"UDP", "TCP"})
    void cancelOfAPendingInviteGives487(TransportType transport) throws Exception {
        SentRequest invite = client.request("INVITE", responder.uri("ringing", transport)).send();

        SentRequest cancel = invite.cancel(WAIT);

        SipAssertions.assertThat(cancel.awaitFinal(WAIT)).hasStatus(200);
        SipAssertions.assertThat(invite.awaitFinal(WAIT)).hasStatus(487);
        SipRequest seen = responder.next("CANCEL");
        assertThat(seen.getTopVia().branch()).isEqualTo(invite.request().getTopVia().branch());   // RFC 3261 §9.1
        assertThat(seen.getCSeq().sequence()).isEqualTo(invite.request().getCSeq().sequence());
    }

    @Test
    void aMissingResponseIsReportedWithWhatWasAwaitedAndWhatCame() {
        SentRequest invite = client.request("INVITE", responder.uri("ringing", TransportType.TCP)).send();
        invite.awaitResponse(180, WAIT);

        assertThatThrownBy(() -> invite.awaitFinal(Duration.ofMillis(300)))
                .isInstanceOf(SipTimeoutException.class)
                .hasMessageContaining("No final response to INVITE sip:ringing@127.0.0.1")
                .hasMessageContaining("within 300 ms")
                .hasMessageContaining("received: [180 Ringing]");
        assertThatThrownBy(() -> client.awaitRequest("BYE", Duration.ofMillis(200)))
                .isInstanceOf(SipTimeoutException.class)
                .hasMessageContaining("No BYE request arrived within 200 ms; received so far: nothing");
        invite.cancel(WAIT).awaitFinal(WAIT);
    }

    @Test
    void aTransactionTimeoutEndsTheWaitEarly() {
        TransactionConfig fast = TransactionConfig.builder().t1(Duration.ofMillis(20)).build();
        try (SipTestClient quick = SipTestClient.builder().transports(TransportType.UDP).transactions(fast).build()) {
            SentRequest options = quick.request("OPTIONS", responder.uri("silent", TransportType.UDP)).send();

            // Timer F = 64*T1 = 1.28 s, far within the wait: the failure is reported, not the wait's end.
            assertThatThrownBy(() -> options.awaitFinal(Duration.ofSeconds(30)))
                    .isInstanceOf(SipTimeoutException.class)
                    .hasMessageContaining("No final response to OPTIONS sip:silent@127.0.0.1")
                    .hasMessageContaining("timed out")
                    .hasMessageContaining("received: nothing");
        }
    }

    @Test
    void every2xxRetransmissionIsAcknowledged() throws Exception {
        SentRequest invite = client.request("INVITE", responder.uri("retransmit", TransportType.UDP)).send();
        invite.ack(WAIT);
        SipRequest first = responder.next("ACK");

        SipRequest second = responder.next("ACK");    // the 200 came again: RFC 3261 §13.2.2.4

        assertThat(second.getCSeq()).isEqualTo(first.getCSeq());
        assertThat(second.getCallId()).isEqualTo(invite.request().getCallId());
        assertThat(invite.responses()).filteredOn(r -> r.getStatus() == 200).hasSize(2);
    }

    @Test
    void a407IsAnsweredWithProxyAuthorization() throws Exception {
        SentRequest message = client.request("MESSAGE", responder.uri("bob", TransportType.TCP))
                .body("text/plain", "hello").send();
        SipAssertions.assertThat(message.awaitFinal(WAIT)).hasStatus(407);

        SentRequest retry = message.authenticate("alice", StackResponder.PASSWORD, WAIT);

        SipAssertions.assertThat(retry.awaitFinal(WAIT)).hasStatus(202);
        assertThat(responder.verifiedAlgorithm).isEqualTo("MD5");
        assertThat(retry.request().getHeader(HeaderName.PROXY_AUTHORIZATION)).contains("algorithm=MD5");
        assertThat(retry.request().hasHeader(HeaderName.AUTHORIZATION)).isFalse();
        assertThat(retry.request().getBody()).isEqualTo(message.request().getBody());
    }
}
