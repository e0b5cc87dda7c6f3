package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.parser.SipParseException;

class ViaTest {

    @Test
    void parsesSentProtocolSentByAndParameters() throws Exception {
        Via v = Via.parse("SIP/2.0/TLS client.example.com:5061;branch=z9hG4bK74bf9;maddr=224.2.0.1;ttl=16;received=192.0.2.1");
        assertThat(v.protocolName()).isEqualTo("SIP");
        assertThat(v.protocolVersion()).isEqualTo("2.0");
        assertThat(v.transport()).isEqualTo("TLS");
        assertThat(v.host()).isEqualTo("client.example.com");
        assertThat(v.port()).isEqualTo(5061);
        assertThat(v.branch()).isEqualTo("z9hG4bK74bf9");
        assertThat(v.hasRfc3261Branch()).isTrue();
        assertThat(v.maddr()).isEqualTo("224.2.0.1");
        assertThat(v.ttl()).isEqualTo(16);
        assertThat(v.received()).isEqualTo("192.0.2.1");
        assertThat(v.hasRport()).isFalse();
        assertThat(v.rport()).isEqualTo(-1);
    }

    @Test
    void rportFlagAndValue() throws Exception {
        // RFC 3581 §3 (request: flag) and §4 (server fills in the value)
        Via flag = Via.parse("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKabc");
        assertThat(flag.hasRport()).isTrue();
        assertThat(flag.rport()).isEqualTo(-1);
        Via filled = flag.withParameter("received", "192.0.2.7").withParameter("rport", "41234");
        assertThat(filled.rport()).isEqualTo(41234);
        assertThat(filled.toString()).isEqualTo("SIP/2.0/UDP 10.0.0.1:5060;rport=41234;branch=z9hG4bKabc;received=192.0.2.7");
        assertThat(Via.parse(filled.toString())).isEqualTo(filled);
        Via once = flag.withParameters("received", "192.0.2.7", "rport", "41234");
        assertThat(once.toString()).isEqualTo(filled.toString());
        assertThat(once.received()).isEqualTo("192.0.2.7");
        assertThat(once.rport()).isEqualTo(41234);
        assertThat(flag.toString()).as("the original is not changed").isEqualTo("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKabc");
    }

    @Test
    void ipv6SentByAndReceived() throws Exception {
        Via v = Via.parse("SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8::2;rport=5060");
        assertThat(v.host()).isEqualTo("[2001:db8::1]");
        assertThat(v.received()).isEqualTo("2001:db8::2");
        assertThat(v.rport()).isEqualTo(5060);
    }

    @Test
    void toleratesLinearWhiteSpaceWhereTheGrammarAllows() throws Exception {
        Via v = Via.parse("SIP  /   2.0 / UDP  192.168.255.111   ; branch =  z9hG4bK30239");
        assertThat(v.transport()).isEqualTo("UDP");
        assertThat(v.branch()).isEqualTo("z9hG4bK30239");
    }

    @Test
    void severalViaParmsInOneValue() throws Exception {
        List<Via> all = Via.parseAll("SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070 ;branch=z9hG4bK2");
        assertThat(all).extracting(Via::host).containsExactly("a.example.com", "b.example.com");
        assertThat(all.get(1).port()).isEqualTo(5070);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDPhost", "SIP/2.0/UDP host;;", "SIP/2.0/UDP host;,",
        "SIP/2.0/UDP host;ttl=256", "SIP/2.0/UDP host;rport=70000", "SIP/2.0/UDP host;received=example.com",
        "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host:abc", "SIP/2.0/UDP 192.0.2.15;;,;,,"})
    void rejectsMalformed(String s) {
        assertThatThrownBy(() -> Via.parseAll(s)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    @Test
    void factoryMakesAnRfc3261Via() {
        assertThat(Via.of("TCP", "::1", 5060, "z9hG4bKx").toString()).isEqualTo("SIP/2.0/TCP [::1]:5060;branch=z9hG4bKx");
    }
}
