package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.netty.StreamFlow;

class NativeTransportTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void usesEpollByDefaultOnLinux() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        assertThat(Epoll.isAvailable()).as("epoll on Linux x86_64: %s", Epoll.unavailabilityCause()).isTrue();
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(),
                core)) {
            assertThat(transports.nativeEpoll()).isTrue();
            SipConnector tcp = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());
            SipConnector udp = transports.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());

            // SO_REUSEPORT: one listening socket per event loop, all on the same port.
            assertThat(tcp.listeningChannels()).hasSize(2).allMatch(c -> c instanceof EpollServerSocketChannel)
                    .allMatch(c -> c.localAddress().equals(tcp.localAddress()));
            assertThat(udp.listeningChannels()).hasSize(2).allMatch(c -> c instanceof EpollDatagramChannel)
                    .allMatch(c -> c.localAddress().equals(udp.localAddress()));
            assertThat(acceptedChannel(tcp, core)).isInstanceOf(EpollSocketChannel.class);
        }
    }

    @Test
    void usesNioWhenEpollIsSwitchedOff() throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(
                SipTransportsConfig.builder().eventLoopThreads(2).nativeEpoll(false).build(), core)) {
            assertThat(transports.nativeEpoll()).isFalse();
            SipConnector tcp = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());
            SipConnector udp = transports.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                    .bindAddress(LOOPBACK_ANY_PORT).build());

            // Without epoll there is no SO_REUSEPORT: one socket per connector.
            assertThat(tcp.listeningChannels()).singleElement().isInstanceOf(NioServerSocketChannel.class);
            assertThat(udp.listeningChannels()).singleElement().isInstanceOf(NioDatagramChannel.class);
            assertThat(acceptedChannel(tcp, core)).isInstanceOf(NioSocketChannel.class);
            try (DatagramSocket client = new DatagramSocket(LOOPBACK_ANY_PORT)) {
                client.setSoTimeout(5000);
                byte[] request = Messages.request(2, "UDP").getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(request, request.length, udp.localAddress()));
                DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
                client.receive(answer);
                assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                        .contains("X-Request: " + Messages.requestLine(2));
            }
        }
    }

    @Test
    void reusePortOffBindsOneSocket() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll not available");
        try (SipTransports transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(),
                new EchoHandler())) {
            SipConnector udp = transports.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                    .bindAddress(LOOPBACK_ANY_PORT).reusePort(false).build());

            assertThat(udp.listeningChannels()).singleElement().isInstanceOf(EpollDatagramChannel.class);
        }
    }

    private static Channel acceptedChannel(SipConnector connector, EchoHandler core) throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));
            client.readHead();
            return ((StreamFlow) core.messages.poll(5, TimeUnit.SECONDS).flow()).channel();
        }
    }
}
