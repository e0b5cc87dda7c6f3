package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTransportTest {

    @TempDir
    static Path keys;
    private static SSLContext tls;

    private final EchoHandler core = new EchoHandler();
    private SipTransports transports;
    private SipConnector connector;

    @BeforeAll
    static void makeCertificate() throws Exception {
        tls = TestCertificates.selfSignedContext(keys);
    }

    @BeforeEach
    void start() throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tls-test", TransportType.TLS)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(tls).build());
    }

    @AfterEach
    void stop() {
        transports.close();
    }

    @Test
    void answersOverTheTlsConnectionTheRequestCameOn() throws Exception {
        try (StreamClient client = StreamClient.tls(connector.localAddress(), tls)) {
            client.write(Messages.request(1, "TLS") + Messages.request(2, "TLS", 40));

            assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(1));
            assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(2));
            EchoHandler.Received received = core.messages.poll(5, TimeUnit.SECONDS);
            assertThat(received.text()).isEqualTo(Messages.request(1, "TLS"));
            Flow flow = received.flow();
            assertThat(flow.transport()).isEqualTo(TransportType.TLS);
            assertThat(flow.id()).startsWith("s");
            assertThat(flow.sslSession()).isNotNull();
            assertThat(flow.sslSession().getProtocol()).startsWith("TLSv1.");
            assertThat(transports.flowTable().find(TransportType.TLS, client.localAddress())).isSameAs(flow);
        }
    }

    @Test
    void answersKeepAlivePingsInsideTls() throws Exception {
        try (StreamClient client = StreamClient.tls(connector.localAddress(), tls)) {
            client.write("\r\n\r\n");
            assertThat(client.readBytes(2)).isEqualTo("\r\n");
        }
    }

    @Test
    void connectsOutboundOverTlsAndReusesTheConnection() throws Exception {
        EchoHandler clientCore = new EchoHandler();
        try (SipTransports clientSide = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                clientCore)) {
            clientSide.start(SipConnectorConfig.builder("tls-out", TransportType.TLS)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sslContext(tls).build());

            Flow flow = clientSide.connect(TransportType.TLS, connector.localAddress()).get(10, TimeUnit.SECONDS);
            assertThat(flow.sslSession()).isNotNull();
            flow.send(EchoHandler.ascii(Messages.request(5, "TLS")));

            EchoHandler.Received response = clientCore.messages.poll(10, TimeUnit.SECONDS);
            assertThat(response.text()).contains("X-Request: " + Messages.requestLine(5));
            assertThat(response.flow()).isSameAs(flow);
            assertThat(clientSide.connect(TransportType.TLS, connector.localAddress()).get(5, TimeUnit.SECONDS))
                    .isSameAs(flow);
            assertThat(connector.metrics().acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void requiredClientAuthAdmitsOnlyPeersWithATrustedCertificate() throws Exception {
        SipConnector mutual = transports.start(SipConnectorConfig.builder("tls-mutual", TransportType.TLS)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(tls).clientAuth(TlsClientAuth.REQUIRE).build());

        try (StreamClient withCertificate = StreamClient.tls(mutual.localAddress(), tls)) {
            withCertificate.write(Messages.request(1, "TLS"));
            withCertificate.readHead();
            Flow flow = core.messages.poll(5, TimeUnit.SECONDS).flow();
            assertThat(flow.sslSession().getPeerCertificates()).hasSize(1);
        }

        SSLContext trustOnly = SSLContext.getInstance("TLS");
        trustOnly.init(null, TestCertificates.trustManagers(keys), null);
        try (StreamClient anonymous = StreamClient.tls(mutual.localAddress(), trustOnly)) {
            anonymous.write(Messages.request(2, "TLS"));
            assertThat(anonymous.closedByPeer()).isTrue();
        } catch (IOException refused) {
            // TLS 1.2 reports the refusal in the handshake, TLS 1.3 after it (an alert, a reset or a broken
            // pipe, depending on timing); the server's counter below tells it was the handshake.
        }
        Await.until("the refused handshake is counted", () -> mutual.metrics().tlsHandshakeFailures() == 1);
        assertThat(core.messages).isEmpty();
    }

    @Test
    void aFailedHandshakeFailsTheConnectAndIsCounted() throws Exception {
        SSLContext untrusting = SSLContext.getInstance("TLS");
        untrusting.init(null, null, null); // default trust store: does not know the test certificate
        try (SipTransports clientSide = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                new EchoHandler())) {
            clientSide.start(SipConnectorConfig.builder("tls-out", TransportType.TLS)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sslContext(untrusting)
                    .build());

            assertThatThrownBy(() -> clientSide.connect(TransportType.TLS, connector.localAddress())
                    .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SSLException.class);
            Await.until("the server counts the failed handshake",
                    () -> connector.metrics().tlsHandshakeFailures() == 1);
            assertThat(transports.flowTable().size()).isZero();
            assertThat(core.opened).isEmpty();
        }
    }
}
