package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipMessageParser;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The layer on messages parsed from bytes, as the transport delivers them, and what it sends encoded. */
class WireMessagesTest {

    private static final String INVITE = """
            INVITE sip:bob@biloxi.example.com SIP/2.0\r
            Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r
            Route: <sip:edge.biloxi.example.com;lr>\r
            Max-Forwards: 69\r
            To: Bob <sip:bob@biloxi.example.com>\r
            From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r
            Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
            CSeq: 314159 INVITE\r
            Contact: <sip:alice@pc33.atlanta.example.com>\r
            Content-Length: 0\r
            \r
            """;

    private static final String BUSY = """
            SIP/2.0 486 Busy Here\r
            Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r
            To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r
            From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r
            Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
            CSeq: 314159 INVITE\r
            Content-Length: 0\r
            \r
            """;

    private static final String CANCEL = """
            CANCEL sip:bob@biloxi.example.com SIP/2.0\r
            Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1\r
            Max-Forwards: 70\r
            To: Bob <sip:bob@biloxi.example.com>\r
            From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r
            Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
            CSeq: 314159 CANCEL\r
            Content-Length: 0\r
            \r
            """;

    private final Fixture f = new Fixture();
    private final SipMessageParser parser = new SipMessageParser();

    private SipMessage parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            return parser.parse(bytes, 0, bytes.length);
        } catch (Exception e) {
            throw new AssertionError("test message does not parse", e);
        }
    }

    @Test
    void ackForAParsedBusyEncodesToAValidRequest() {
        SipRequest invite = (SipRequest) parse(INVITE);
        f.layer.sendRequest(invite, f.udp);

        f.layer.responseReceived((SipResponse) parse(BUSY), f.udp);

        SipRequest ack = (SipRequest) parse(new String(f.udp.lastRequest().encode(), StandardCharsets.UTF_8));
        assertThat(ack.getMethod()).isEqualTo(SipMethod.ACK);
        assertThat(ack.getRequestUri().toString()).isEqualTo("sip:bob@biloxi.example.com");
        assertThat(ack.getVias()).hasSize(1);
        assertThat(ack.getTopVia().branch()).isEqualTo("z9hG4bK2d4790.1");
        assertThat(ack.getTopVia().host()).isEqualTo("proxy.atlanta.example.com");
        assertThat(ack.getHeaders(HeaderName.ROUTE)).containsExactly("<sip:edge.biloxi.example.com;lr>");
        assertThat(ack.getToTag()).isEqualTo("a6c85cf");
        assertThat(ack.getFromTag()).isEqualTo("1928301774");
        assertThat(ack.getCallId()).isEqualTo("a84b4c76e66710@pc33.atlanta.example.com");
        assertThat(ack.getCSeq().sequence()).isEqualTo(314159);
        assertThat(ack.getCSeq().method()).isEqualTo(SipMethod.ACK);
        assertThat(ack.getContentLength()).isZero();
    }

    @Test
    void parsedRetransmissionAndCancelMatchTheParsedInvite() {
        assertThat(f.layer.requestReceived((SipRequest) parse(INVITE), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);
        InviteServerTransaction tx = (InviteServerTransaction) f.user.events.get(0).transaction();

        assertThat(f.layer.requestReceived((SipRequest) parse(INVITE), f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        assertThat(f.layer.requestReceived((SipRequest) parse(CANCEL), f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        assertThat(f.user.ofType("cancel").get(0).detail()).isSameAs(tx);
    }

    @Test
    void the100TryingEncodesWithTheViasOfTheRequest() {
        f.layer.requestReceived((SipRequest) parse(INVITE), f.udp);
        f.advance(200);

        SipResponse trying = (SipResponse) parse(new String(f.udp.lastResponse().encode(), StandardCharsets.UTF_8));

        assertThat(trying.getStatus()).isEqualTo(100);
        assertThat(trying.getVias()).hasSize(2);
        assertThat(trying.getTopVia().branch()).isEqualTo("z9hG4bK2d4790.1");
        assertThat(trying.getCSeq().method()).isEqualTo(SipMethod.INVITE);
    }
}
