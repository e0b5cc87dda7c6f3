package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RemoteFlowAddressTest {

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void readsEveryFormAnOperatorOrTheRegistrarWrites() throws Exception {
        assertThat(RemoteFlowAddress.parse("192.0.2.1").toString()).isEqualTo("192.0.2.1");
        assertThat(RemoteFlowAddress.parse(" 192.0.2.1:5060 ").toString()).isEqualTo("192.0.2.1:5060");
        assertThat(RemoteFlowAddress.parse("2001:db8::1").toString()).isEqualTo("[2001:db8::1]");
        assertThat(RemoteFlowAddress.parse("[2001:db8::1]").port()).isZero();
        assertThat(RemoteFlowAddress.parse("[2001:db8::1]:5061").port()).isEqualTo(5061);
        assertThat(RemoteFlowAddress.parse("TCP:192.0.2.1:40000").transport()).isEqualTo(TransportType.TCP);
        RemoteFlowAddress token = RemoteFlowAddress.parse("tcp:192.0.2.10:40000>198.51.100.1:5060");
        assertThat(token).isEqualTo(new RemoteFlowAddress(TransportType.TCP, InetAddress.getByName("192.0.2.10"), 40000));
        RemoteFlowAddress v6Token = RemoteFlowAddress.parse("tls:2001:db8::10:40001>2001:db8::1:5061");
        assertThat(v6Token).isEqualTo(new RemoteFlowAddress(TransportType.TLS, InetAddress.getByName("2001:db8::10"), 40001));
    }

    @Test
    void matchesHostAndPortAndTreatsIpv4MappedAsIpv4() throws Exception {
        RemoteFlowAddress host = RemoteFlowAddress.parse("192.0.2.1");
        RemoteFlowAddress hostAndPort = RemoteFlowAddress.parse("192.0.2.1:5060");

        assertThat(host.matches(at("192.0.2.1", 1234))).isTrue();
        assertThat(host.matches(at("::ffff:192.0.2.1", 1234))).isTrue();
        assertThat(host.matches(at("192.0.2.2", 1234))).isFalse();
        assertThat(hostAndPort.matches(at("192.0.2.1", 5060))).isTrue();
        assertThat(hostAndPort.matches(at("192.0.2.1", 5061))).isFalse();
        assertThat(RemoteFlowAddress.parse("::1").matches(at("::1", 9))).isTrue();
        assertThat(RemoteFlowAddress.parse("::1").matches(at("127.0.0.1", 9))).isFalse();
    }

    @Test
    void refusesNamesAndBadPortsWithTheReason() {
        assertThatThrownBy(() -> RemoteFlowAddress.parse("phone.example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> RemoteFlowAddress.parse("192.0.2.1:0")).hasMessageContaining("not a port");
        assertThatThrownBy(() -> RemoteFlowAddress.parse("192.0.2.1:http")).hasMessageContaining("not a port");
        assertThatThrownBy(() -> RemoteFlowAddress.parse("[2001:db8::1")).hasMessageContaining("without ']'");
        assertThatThrownBy(() -> RemoteFlowAddress.parse(" ")).hasMessageContaining("required");
    }
}
