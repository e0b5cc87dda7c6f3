package org.sipcity.sip.container.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The addresses as text, formatted once, are what InetAddress.getHostAddress() gives, IPv6 included. */
class MessageEndpointsTest {

    @Test
    void addressesAsTextAreTheHostAddresses() {
        InetSocketAddress local = new InetSocketAddress("::1", 5060);
        InetSocketAddress remote = new InetSocketAddress("192.0.2.7", 40000);
        MessageEndpoints endpoints = new MessageEndpoints("UDP", local, remote);

        assertThat(endpoints.remoteAddr()).isEqualTo("192.0.2.7").isSameAs(endpoints.remoteAddr());
        assertThat(endpoints.localAddr()).isEqualTo(local.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(MessageEndpoints.UNKNOWN.remoteAddr()).isNull();
        assertThat(MessageEndpoints.UNKNOWN.localAddr()).isNull();
        assertThat(endpoints).isEqualTo(new MessageEndpoints("UDP", local, remote))
                .hasSameHashCodeAs(new MessageEndpoints("UDP", local, remote))
                .isNotEqualTo(new MessageEndpoints("TCP", local, remote));
    }
}
