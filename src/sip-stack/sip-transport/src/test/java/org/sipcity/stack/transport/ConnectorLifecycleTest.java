package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorLifecycleTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void aTcpPortInUseGivesABindExceptionNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), new EchoHandler())) {
            InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();

            assertThatThrownBy(() -> transports.start(SipConnectorConfig.builder("busy", TransportType.TCP)
                    .bindAddress(address).build()))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("'busy'")
                    .hasMessageContaining("127.0.0.1:" + address.getPort());
            assertThat(transports.connectors()).isEmpty();
        }
    }

    @Test
    void aUdpPortInUseGivesABindExceptionNamingTheAddress() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(LOOPBACK_ANY_PORT);
                SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), new EchoHandler())) {
            InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();

            assertThatThrownBy(() -> transports.start(SipConnectorConfig.builder("busy-udp", TransportType.UDP)
                    .bindAddress(address).build()))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.1:" + address.getPort());
        }
    }

    @Test
    void twoConnectorsMayNotShareAName() throws Exception {
        try (SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), new EchoHandler())) {
            transports.start(SipConnectorConfig.builder("sip", TransportType.UDP).bindAddress(LOOPBACK_ANY_PORT).build());

            assertThatThrownBy(() -> transports.start(SipConnectorConfig.builder("sip", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'sip'");
        }
    }

    @Test
    void theFirstConnectorOfATransportIsTheFirstStartedAndGoesWhenClosed() throws Exception {
        try (SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), new EchoHandler())) {
            assertThat(transports.firstConnector(TransportType.UDP)).isNull();
            SipConnector udp = transports.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());
            SipConnector tcp = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());
            SipConnector secondTcp = transports.start(SipConnectorConfig.builder("tcp2", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());

            assertThat(transports.firstConnector(TransportType.UDP)).isSameAs(udp);
            assertThat(transports.firstConnector(TransportType.TCP)).isSameAs(tcp);
            assertThat(transports.firstConnector(TransportType.TLS)).isNull();
            tcp.close();
            assertThat(transports.firstConnector(TransportType.TCP)).isSameAs(secondTcp);
        }
    }

    @Test
    void closingAConnectorClosesItsConnectionsAndFreesThePort() throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), core)) {
            SipConnector connector = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());
            InetSocketAddress address = connector.localAddress();
            try (StreamClient client = StreamClient.tcp(address)) {
                client.write(Messages.request(1, "TCP"));
                client.readHead();

                connector.close();

                assertThat(client.closedByPeer()).isTrue();
                assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isNotNull();
                assertThat(transports.connectors()).isEmpty();
                assertThat(transports.flowTable().size()).isZero();
            }
            // The same address can be bound again at once.
            SipConnector again = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(address).build());
            assertThat(again.localAddress()).isEqualTo(address);
        }
    }

    /**
     * A connection still in its TLS handshake is no flow yet, but it is the connector's: closing the connector closes
     * it at once, not when the handshake times out (10 s, longer than the client's read timeout here).
     */
    @Test
    void closingATlsConnectorClosesAConnectionStillInItsHandshake(@TempDir Path keys) throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(SipTransportsConfig.defaults(), core)) {
            SipConnector connector = transports.start(SipConnectorConfig.builder("tls", TransportType.TLS)
                    .bindAddress(LOOPBACK_ANY_PORT).sslContext(TestCertificates.selfSignedContext(keys)).build());
            try (StreamClient silent = StreamClient.tcp(connector.localAddress())) {
                Await.until("the connection accepted", () -> connector.openConnections() == 1);
                assertThat(transports.flowTable().size()).isZero();

                connector.close();

                assertThat(silent.closedByPeer()).isTrue();
                Await.until("the connection counted out", () -> connector.openConnections() == 0);
            }
        }
    }
}
