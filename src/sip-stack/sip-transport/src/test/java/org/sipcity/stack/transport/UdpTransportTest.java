package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramChannelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.transport.netty.DatagramFlow;

class UdpTransportTest {

    private final EchoHandler core = new EchoHandler();
    private SipTransports transports;
    private SipConnector connector;

    private void start(SipConnectorConfig.Builder config) throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(config.bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    private void start() throws Exception {
        start(SipConnectorConfig.builder("udp-test", TransportType.UDP));
    }

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.close();
        }
    }

    @Test
    void oneDatagramIsOneMessageAnsweredFromTheSameSocket() throws Exception {
        start();
        try (DatagramSocket client = client()) {
            send(client, Messages.request(1, "UDP"));

            DatagramPacket answer = receive(client);

            assertThat(text(answer)).startsWith("SIP/2.0 200 OK").contains("X-Request: " + Messages.requestLine(1));
            assertThat(answer.getSocketAddress()).isEqualTo(connector.localAddress());
            EchoHandler.Received received = core.messages.poll(5, TimeUnit.SECONDS);
            assertThat(received.text()).isEqualTo(Messages.request(1, "UDP"));
            assertThat(received.flow().transport()).isEqualTo(TransportType.UDP);
            assertThat(received.flow().remoteAddress()).isEqualTo(client.getLocalSocketAddress());
            assertThat(core.opened.poll(5, TimeUnit.SECONDS)).isSameAs(received.flow());
        }
    }

    @Test
    void datagramsFromOneAddressShareAFlowFoundInTheTable() throws Exception {
        start();
        try (DatagramSocket client = client(); DatagramSocket other = client()) {
            send(client, Messages.request(1, "UDP"));
            receive(client);
            send(client, Messages.request(2, "UDP"));
            receive(client);
            send(other, Messages.request(3, "UDP"));
            receive(other);

            Flow first = core.messages.poll(5, TimeUnit.SECONDS).flow();
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).flow()).isSameAs(first);
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).flow()).isNotSameAs(first);
            assertThat(transports.flowTable().find(TransportType.UDP,
                    (InetSocketAddress) client.getLocalSocketAddress())).isSameAs(first);
            assertThat(transports.flowTable().get(first.id())).isSameAs(first);
            assertThat(connector.openConnections()).isEqualTo(2);
        }
    }

    @Test
    void aBurstOfAnswersDuringAStalledEventLoopIsQueuedUpToTheWriteQueueLimitNotTheConnectionMarks() throws Exception {
        start();
        try (DatagramSocket client = client()) {
            send(client, Messages.request(1, "UDP"));
            receive(client);
            DatagramFlow flow = (DatagramFlow) core.messages.poll(5, TimeUnit.SECONDS).flow();
            CountDownLatch release = new CountDownLatch(1);
            flow.channel().eventLoop().execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            byte[] answer = new byte[400];
            int accepted = 0;
            try {
                // 400 KB while nothing drains: six times the 64 KiB per-connection high water mark
                for (int i = 0; i < 1000; i++) {
                    if (flow.send(Unpooled.wrappedBuffer(answer))) {
                        accepted++;
                    }
                }
            } finally {
                release.countDown();
            }
            assertThat(accepted).isEqualTo(1000);
        }
    }

    @Test
    void aUdpSocketAsksForAReceiveBufferThatOutlastsAStallNotTheOsDefault() throws Exception {
        long cap = kernelLimit("rmem_max");
        assumeTrue(cap > kernelLimit("rmem_default"), "the kernel's rmem_max allows no more than its default");
        start();
        for (Channel socket : connector.listeningChannels()) {
            // Linux grants min(asked, rmem_max) and reports twice that
            assertThat((long) receiveBuffer(socket)).isGreaterThanOrEqualTo(Math.min(SipConnectorConfig.DEFAULT_DATAGRAM_RECEIVE_BUFFER, cap));
        }
    }

    @Test
    void aConfiguredReceiveBufferIsTheOneAskedFor() throws Exception {
        start(SipConnectorConfig.builder("udp-test", TransportType.UDP).receiveBufferSize(64 * 1024));
        for (Channel socket : connector.listeningChannels()) {
            assertThat(receiveBuffer(socket)).isBetween(64 * 1024, 2 * 64 * 1024);
        }
    }

    @Test
    void dropsDatagramsAboveTheMaximumSize() throws Exception {
        start(SipConnectorConfig.builder("udp-small", TransportType.UDP).framing(new FramingConfig(600, 500)));
        try (DatagramSocket client = client()) {
            String tooLarge = Messages.requestOfSize(1, "UDP", 601);
            String largest = Messages.requestOfSize(2, "UDP", 600);

            send(client, tooLarge);
            send(client, largest);

            assertThat(text(receive(client))).contains(Messages.requestLine(2));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(largest);
            assertThat(core.messages).isEmpty();
            assertThat(connector.metrics().oversizedDatagrams()).isEqualTo(1);
        }
    }

    @Test
    void ignoresCrlfKeepAliveDatagrams() throws Exception {
        start();
        try (DatagramSocket client = client()) {
            send(client, "\r\n\r\n");
            send(client, Messages.request(1, "UDP"));

            assertThat(text(receive(client))).contains(Messages.requestLine(1));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(Messages.request(1, "UDP"));
            assertThat(core.messages).isEmpty();
        }
    }

    @Test
    void answersStunBindingRequestsWithTheAddressTheSenderWasSeenFrom() throws Exception {
        start();
        try (DatagramSocket client = client()) {
            byte[] request = new byte[20];
            ByteBuffer.wrap(request).putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442)
                    .put("transaction1".getBytes(StandardCharsets.US_ASCII));
            client.send(new DatagramPacket(request, request.length, connector.localAddress()));

            ByteBuffer response = ByteBuffer.wrap(receive(client).getData(), 0, 32);
            assertThat(response.getShort()).isEqualTo((short) 0x0101); // Binding success response
            assertThat(response.getShort()).isEqualTo((short) 12);
            assertThat(response.getInt()).isEqualTo(0x2112A442);
            byte[] transaction = new byte[12];
            response.get(transaction);
            assertThat(new String(transaction, StandardCharsets.US_ASCII)).isEqualTo("transaction1");
            assertThat(response.getShort()).isEqualTo((short) 0x0020); // XOR-MAPPED-ADDRESS
            assertThat(response.getShort()).isEqualTo((short) 8);
            assertThat(response.getShort()).isEqualTo((short) 0x0001); // IPv4
            int port = (response.getShort() & 0xFFFF) ^ 0x2112;
            int address = response.getInt() ^ 0x2112A442;
            InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByAddress(
                    ByteBuffer.allocate(4).putInt(address).array()), port);
            assertThat(mapped).isEqualTo(client.getLocalSocketAddress());
            assertThat(core.messages).isEmpty();
            assertThat(connector.metrics().keepAlivePings()).isEqualTo(1);
        }
    }

    @Test
    void forgetsAFlowThatStaysSilentForTheIdleTimeout() throws Exception {
        start(SipConnectorConfig.builder("udp-idle", TransportType.UDP).idleTimeout(Duration.ofMillis(200)));
        try (DatagramSocket client = client()) {
            send(client, Messages.request(1, "UDP"));
            receive(client);
            Flow flow = core.messages.poll(5, TimeUnit.SECONDS).flow();

            assertThat(core.closed.poll(10, TimeUnit.SECONDS)).isSameAs(flow);
            assertThat(flow.isOpen()).isFalse();
            assertThat(transports.flowTable().get(flow.id())).isNull();
            assertThat(connector.openConnections()).isZero();

            // The next datagram opens a new flow.
            send(client, Messages.request(2, "UDP"));
            receive(client);
            Flow next = core.messages.poll(5, TimeUnit.SECONDS).flow();
            assertThat(next.id()).isNotEqualTo(flow.id());
            assertThat(next.isOpen()).isTrue();
        }
    }

    @Test
    void beyondTheMaximumNewAddressesGetUntrackedFlowsThatStillAnswer() throws Exception {
        start(SipConnectorConfig.builder("udp-max", TransportType.UDP).maxConnections(1));
        try (DatagramSocket client = client(); DatagramSocket other = client()) {
            send(client, Messages.request(1, "UDP"));
            receive(client);
            send(other, Messages.request(2, "UDP"));

            assertThat(text(receive(other))).contains(Messages.requestLine(2));
            core.messages.poll(5, TimeUnit.SECONDS);
            Flow untracked = core.messages.poll(5, TimeUnit.SECONDS).flow();
            assertThat(transports.flowTable().get(untracked.id())).isNull();
            assertThat(connector.metrics().untrackedDatagramFlows()).isEqualTo(1);
            assertThat(connector.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void connectGivesAFlowThatSendsFromTheListeningSocket() throws Exception {
        start();
        try (DatagramSocket peer = client()) {
            Flow flow = transports.connect(TransportType.UDP, (InetSocketAddress) peer.getLocalSocketAddress())
                    .get(5, TimeUnit.SECONDS);

            assertThat(flow.send(EchoHandler.ascii(Messages.request(7, "UDP")))).isTrue();

            DatagramPacket packet = receive(peer);
            assertThat(text(packet)).isEqualTo(Messages.request(7, "UDP"));
            assertThat(packet.getSocketAddress()).isEqualTo(connector.localAddress());
        }
    }

    private static DatagramSocket client() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
        return socket;
    }

    private static int receiveBuffer(Channel socket) {
        return ((DatagramChannelConfig) socket.config()).getReceiveBufferSize();
    }

    /** A {@code /proc/sys/net/core} value; the test is skipped where there is none (not Linux). */
    private static long kernelLimit(String name) throws IOException {
        Path file = Path.of("/proc/sys/net/core", name);
        assumeTrue(Files.isReadable(file), "no " + file);
        // line by line: procfs reports a size of 0, and Files.readString read only the first byte of it here
        return Long.parseLong(Files.readAllLines(file).get(0).trim());
    }

    private void send(DatagramSocket client, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(data, data.length, connector.localAddress()));
    }

    private static DatagramPacket receive(DatagramSocket client) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            client.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram within 5 s", e);
        }
        return packet;
    }

    private static String text(DatagramPacket packet) {
        return new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
    }
}
