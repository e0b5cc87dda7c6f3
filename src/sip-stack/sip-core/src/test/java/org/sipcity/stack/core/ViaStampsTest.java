package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.transport.TransportType;

class ViaStampsTest {

    private static SipRequest request(String via) throws Exception {
        String text = "OPTIONS sip:a@example.com SIP/2.0\r\n"
                + "Via: " + via + "\r\n"
                + "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKfirst\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                + "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return (SipRequest) new SipMessageParser().parse(bytes, 0, bytes.length);
    }

    /** A top Via that already says where the packet came from is left byte for byte. */
    @ParameterizedTest(name = "{0} from {1}:{2}")
    @CsvSource(delimiter = '|', value = {
        "SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1 | 192.0.2.7 | 40000",   // same address, no rport
        "SIP/2.0/UDP 192.0.2.7:5062;rport=40001;branch=z9hG4bK1;received=192.0.2.7 | 192.0.2.7 | 40001", // true claims
        "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1 | ::1 | 5060",              // an IPv6 literal in brackets
    })
    void aViaThatMatchesItsSourceIsLeftUntouched(String via, String sourceIp, int sourcePort) throws Exception {
        SipRequest request = request(via);
        byte[] before = request.encode();

        ViaStamps.stamp(request, new InetSocketAddress(sourceIp, sourcePort));

        assertThat(request.encode()).isEqualTo(before);
    }

    @Test
    void differentAddressGetsReceived() throws Exception {
        SipRequest request = request("SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1");

        ViaStamps.stamp(request, new InetSocketAddress("198.51.100.1", 40000));

        Via top = request.getTopVia();
        assertThat(top.received()).isEqualTo("198.51.100.1");
        assertThat(top.hasRport()).isFalse();
        assertThat(top.branch()).isEqualTo("z9hG4bK1");
        assertThat(request.getVias()).hasSize(2);
    }

    @Test
    void domainNameGetsReceived() throws Exception {
        SipRequest request = request("SIP/2.0/TCP client.example.com;branch=z9hG4bK1");

        ViaStamps.stamp(request, new InetSocketAddress("192.0.2.7", 40000));

        assertThat(request.getTopVia().received()).isEqualTo("192.0.2.7");
    }

    @Test
    void emptyRportIsFilledAndReceivedAddedEvenForTheSameAddress() throws Exception {
        // RFC 3581 §4: received MUST be inserted "even if it is identical to the value of the sent-by component".
        SipRequest request = request("SIP/2.0/UDP 192.0.2.7:5062;rport;branch=z9hG4bK1");

        ViaStamps.stamp(request, new InetSocketAddress("192.0.2.7", 40001));

        Via top = request.getTopVia();
        assertThat(top.rport()).isEqualTo(40001);
        assertThat(top.received()).isEqualTo("192.0.2.7");
        assertThat(request.getVias().get(1).branch()).isEqualTo("z9hG4bKfirst");
    }

    @Test
    void aReceivedTheSenderWroteItselfIsReplacedByTheSource() throws Exception {
        // sent-by matches the source, so nothing would be added; left alone, the claim would steer the UDP
        // responses (RFC 3261 18.2.2) to a third host
        SipRequest request = request("SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1;received=203.0.113.66");

        ViaStamps.stamp(request, new InetSocketAddress("192.0.2.7", 5062));

        assertThat(request.getTopVia().received()).isEqualTo("192.0.2.7");
        assertThat(ResponseTargets.of(request.getTopVia(), TransportType.UDP))
                .isEqualTo(new InetSocketAddress("192.0.2.7", 5062));
    }

    @Test
    void anRportValueTheSenderWroteItselfIsReplacedByTheSourcePort() throws Exception {
        SipRequest request = request("SIP/2.0/UDP 192.0.2.7:5062;rport=9;branch=z9hG4bK1");

        ViaStamps.stamp(request, new InetSocketAddress("192.0.2.7", 40001));

        assertThat(request.getTopVia().rport()).isEqualTo(40001);
        assertThat(request.getTopVia().received()).isEqualTo("192.0.2.7");
    }

    @Test
    void theStampedViasAreTheOnesTheEncodedRequestParsesTo() throws Exception {
        // the stamp keeps its parsed Vias cached instead of parsing them again: they must be what the text says,
        // also when the top Via shares its header field with another (RFC 3261 §7.3.1)
        SipRequest request = request("SIP/2.0/UDP 192.0.2.7:5062;rport;branch=z9hG4bK1, SIP/2.0/TCP 10.0.0.8;branch=z9hG4bK2");

        ViaStamps.stamp(request, new InetSocketAddress("192.0.2.7", 40001), "192.0.2.7");

        byte[] encoded = request.encode();
        SipRequest reparsed = (SipRequest) new SipMessageParser().parse(encoded, 0, encoded.length);
        assertThat(request.getVias()).hasSize(3);
        assertThat(request.getVias().stream().map(Via::toString).toList())
                .isEqualTo(reparsed.getVias().stream().map(Via::toString).toList());
        assertThat(reparsed.getTopVia().received()).isEqualTo("192.0.2.7");
        assertThat(reparsed.getTopVia().rport()).isEqualTo(40001);
        assertThat(reparsed.getVias().get(1).branch()).isEqualTo("z9hG4bK2");
        assertThat(new String(encoded, StandardCharsets.US_ASCII))
                .contains("Via: SIP/2.0/UDP 192.0.2.7:5062;rport=40001;branch=z9hG4bK1;received=192.0.2.7\r\n"
                        + "Via: SIP/2.0/TCP 10.0.0.8;branch=z9hG4bK2\r\n");
    }
}
