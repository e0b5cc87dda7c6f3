package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two transports on loopback: the "proxy" connects out to the "server". */
class OutboundConnectionTest {

    private final EchoHandler serverCore = new EchoHandler();
    private final EchoHandler proxyCore = new EchoHandler();
    private SipTransports server;
    private SipTransports proxy;
    private SipConnector serverConnector;
    private SipConnector proxyConnector;

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress anyLoopbackPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), serverCore);
        serverConnector = server.start(SipConnectorConfig.builder("server", TransportType.TCP)
                .bindAddress(anyLoopbackPort).build());
        proxy = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), proxyCore);
        proxyConnector = proxy.start(SipConnectorConfig.builder("proxy", TransportType.TCP)
                .bindAddress(anyLoopbackPort).build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.close();
    }

    @Test
    void theResponseComesBackOnTheConnectionTheRequestLeftOn() throws Exception {
        Flow flow = proxy.connect(TransportType.TCP, serverConnector.localAddress()).get(5, TimeUnit.SECONDS);
        assertThat(proxyCore.opened.poll(5, TimeUnit.SECONDS)).isSameAs(flow);

        assertThat(flow.send(EchoHandler.ascii(Messages.request(1, "TCP")))).isTrue();

        EchoHandler.Received response = proxyCore.messages.poll(5, TimeUnit.SECONDS);
        assertThat(response.text()).contains("X-Request: " + Messages.requestLine(1));
        assertThat(response.flow()).isSameAs(flow);
        // The connection leaves from the connector's address (bound to loopback), on an ephemeral port.
        assertThat(flow.localAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(proxyConnector.metrics().outboundConnections()).isEqualTo(1);
    }

    @Test
    void reusesAnOpenConnectionToTheSameRemote() throws Exception {
        Flow first = proxy.connect(TransportType.TCP, serverConnector.localAddress()).get(5, TimeUnit.SECONDS);
        Flow second = proxy.connect(TransportType.TCP, serverConnector.localAddress()).get(5, TimeUnit.SECONDS);

        assertThat(second).isSameAs(first);
        second.send(EchoHandler.ascii(Messages.request(2, "TCP")));
        assertThat(proxyCore.messages.poll(5, TimeUnit.SECONDS).flow()).isSameAs(first);
        assertThat(serverConnector.metrics().acceptedConnections()).isEqualTo(1);
    }

    @Test
    void concurrentConnectsToOneRemoteOpenOneConnection() throws Exception {
        CompletableFuture<Flow> a = proxy.connect(TransportType.TCP, serverConnector.localAddress());
        CompletableFuture<Flow> b = proxy.connect(TransportType.TCP, serverConnector.localAddress());

        assertThat(a.get(5, TimeUnit.SECONDS)).isSameAs(b.get(5, TimeUnit.SECONDS));
        assertThat(proxyConnector.metrics().outboundConnections()).isEqualTo(1);
    }

    @Test
    void sendsARequestOverTheConnectionAClientOpened() throws Exception {
        // A client connected to the server; the server reaches it over that connection (RFC 5626 §5.3).
        try (StreamClient client = StreamClient.tcp(serverConnector.localAddress())) {
            client.write(Messages.request(3, "TCP"));
            client.readHead();
            Flow inbound = serverCore.messages.poll(5, TimeUnit.SECONDS).flow();

            Flow found = server.connect(TransportType.TCP, client.localAddress()).get(5, TimeUnit.SECONDS);
            assertThat(found).isSameAs(inbound);
            assertThat(server.flowTable().get(inbound.id())).isSameAs(inbound);

            found.send(EchoHandler.ascii(Messages.request(4, "TCP")));
            assertThat(client.readHead()).startsWith(Messages.requestLine(4));
            assertThat(serverConnector.metrics().outboundConnections()).isZero();
        }
    }

    @Test
    void aNewConnectionIsOpenedOnceTheOldOneClosed() throws Exception {
        Flow first = proxy.connect(TransportType.TCP, serverConnector.localAddress()).get(5, TimeUnit.SECONDS);
        first.close();
        assertThat(proxyCore.closed.poll(5, TimeUnit.SECONDS)).isSameAs(first);

        Flow second = proxy.connect(TransportType.TCP, serverConnector.localAddress()).get(5, TimeUnit.SECONDS);

        assertThat(second).isNotSameAs(first);
        assertThat(second.isOpen()).isTrue();
    }

    @Test
    void aRefusedConnectFailsWithTheRemoteNamed() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        InetSocketAddress closedPort = nobody;

        assertThatThrownBy(() -> proxy.connect(TransportType.TCP, closedPort).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ConnectException.class)
                .hasMessageContaining(String.valueOf(closedPort.getPort()));
    }

    @Test
    void anUnresolvedAddressIsRefusedRatherThanLookedUpOnAnEventLoop() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("sip.example.com", 5060);

        assertThatThrownBy(() -> proxy.connect(TransportType.TCP, unresolved).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sip.example.com");
    }

    @Test
    void connectWithoutAConnectorOfThatTransportFails() {
        assertThatThrownBy(() -> proxy.connect(TransportType.TLS, serverConnector.localAddress()).get())
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no TLS connector");
    }
}
