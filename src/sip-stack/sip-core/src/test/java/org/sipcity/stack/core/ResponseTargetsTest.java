package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.transport.TransportType;

class ResponseTargetsTest {

    @Test
    void udpWithRportGoesToReceivedAndRport() throws Exception {
        Via via = Via.parse("SIP/2.0/UDP 10.0.0.1:5062;rport=40000;received=192.0.2.7;branch=z9hG4bK1");

        assertThat(ResponseTargets.of(via, TransportType.UDP)).isEqualTo(new InetSocketAddress("192.0.2.7", 40000));
    }

    @Test
    void udpWithoutRportGoesToReceivedAndSentByPort() throws Exception {
        Via via = Via.parse("SIP/2.0/UDP 10.0.0.1:5062;received=192.0.2.7;branch=z9hG4bK1");

        assertThat(ResponseTargets.of(via, TransportType.UDP)).isEqualTo(new InetSocketAddress("192.0.2.7", 5062));
    }

    @Test
    void missingPortIsTheTransportDefault() throws Exception {
        assertThat(ResponseTargets.of(Via.parse("SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK1"), TransportType.UDP))
                .isEqualTo(new InetSocketAddress("192.0.2.7", 5060));
        assertThat(ResponseTargets.of(Via.parse("SIP/2.0/TLS 192.0.2.7;branch=z9hG4bK1"), TransportType.TLS))
                .isEqualTo(new InetSocketAddress("192.0.2.7", 5061));
    }

    @Test
    void reliableTransportIgnoresRportAndUsesSentByPort() throws Exception {
        Via via = Via.parse("SIP/2.0/TCP 10.0.0.1:5070;rport=40000;received=192.0.2.7;branch=z9hG4bK1");

        assertThat(ResponseTargets.of(via, TransportType.TCP)).isEqualTo(new InetSocketAddress("192.0.2.7", 5070));
    }

    @Test
    void ipv6ReferenceIsUnbracketed() throws Exception {
        Via via = Via.parse("SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK1");

        assertThat(ResponseTargets.of(via, TransportType.UDP)).isEqualTo(new InetSocketAddress("2001:db8::1", 5062));
    }

    @Test
    void domainWithoutReceivedIsNotResolvedOnTheEventLoop() throws Exception {
        assertThat(ResponseTargets.of(Via.parse("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1"), TransportType.UDP)).isNull();
        assertThat(ResponseTargets.of(null, TransportType.UDP)).isNull();
    }
}
