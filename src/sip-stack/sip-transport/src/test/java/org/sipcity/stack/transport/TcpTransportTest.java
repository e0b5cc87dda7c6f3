package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.transport.netty.StreamFlow;
import org.sipcity.stack.transport.netty.StreamFlowHandler;

class TcpTransportTest {

    private final EchoHandler core = new EchoHandler();
    private SipTransports transports;
    private SipConnector connector;

    @BeforeEach
    void start() throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tcp-test", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @AfterEach
    void stop() {
        transports.close();
    }

    @Test
    void answersARequestOnTheConnectionItCameOn() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));

            String response = client.readHead();

            assertThat(response).startsWith("SIP/2.0 200 OK\r\n").contains("X-Request: " + Messages.requestLine(1));
            EchoHandler.Received received = core.messages.poll(5, TimeUnit.SECONDS);
            assertThat(received.text()).isEqualTo(Messages.request(1, "TCP"));
            Flow flow = received.flow();
            assertThat(flow.transport()).isEqualTo(TransportType.TCP);
            assertThat(flow.remoteAddress()).isEqualTo(client.localAddress());
            assertThat(flow.connectorName()).isEqualTo("tcp-test");
            assertThat(response).contains("X-Flow: " + flow.id());
            assertThat(transports.flowTable().get(flow.id())).isSameAs(flow);
            assertThat(transports.flowTable().find(TransportType.TCP, client.localAddress())).isSameAs(flow);
            assertThat(connector.metrics().messagesIn()).isEqualTo(1);
            assertThat(connector.metrics().messagesOut()).isEqualTo(1);
            assertThat(connector.metrics().bytesIn()).isEqualTo(Messages.request(1, "TCP").length());
        }
    }

    @Test
    void framesMessagesSplitAcrossWrites() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            String request = Messages.request(2, "TCP", 300);
            client.writeInChunks(request, 7);

            assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(2));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(request);
        }
    }

    @Test
    void framesMessagesBundledInOneWrite() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP", 10) + Messages.request(2, "TCP") + Messages.request(3, "TCP", 5));

            for (int n = 1; n <= 3; n++) {
                assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(n));
            }
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(Messages.request(1, "TCP", 10));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(Messages.request(2, "TCP"));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(Messages.request(3, "TCP", 5));
        }
    }

    @Test
    void answersAKeepAlivePingWithASingleCrlf() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write("\r\n\r\n");
            assertThat(client.readBytes(2)).isEqualTo("\r\n");

            // The connection still carries messages, and the pong was the only thing sent.
            client.write(Messages.request(4, "TCP"));
            assertThat(client.readHead()).startsWith("SIP/2.0 200 OK");
            assertThat(connector.metrics().keepAlivePings()).isEqualTo(1);
            assertThat(core.messages).hasSize(1);
        }
    }

    @Test
    void anIdleConnectionHoldsNoFramerAndOneInTheMiddleOfAMessageDoes() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));
            assertThat(client.readHead()).startsWith("SIP/2.0 200 OK");
            StreamFlow flow = (StreamFlow) core.messages.poll(5, TimeUnit.SECONDS).flow();
            assertThat(holdsFramer(flow)).as("between messages").isFalse();

            String request = Messages.request(2, "TCP");
            client.write(request.substring(0, 20));
            Await.until("the framer kept for a message begun", () -> holdsFramer(flow));
            client.write(request.substring(20));
            assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(2));
            assertThat(holdsFramer(flow)).as("the message ended").isFalse();

            client.write("\r\n");
            Await.until("the framer kept after a lone CRLF (maybe half a ping)", () -> holdsFramer(flow));
            client.write("\r\n");
            assertThat(client.readBytes(2)).as("the two halves make a ping").isEqualTo("\r\n");
            assertThat(holdsFramer(flow)).isFalse();
        }
    }

    /** Read on the connection's event loop, which alone touches the handler's state. */
    private static boolean holdsFramer(StreamFlow flow) {
        try {
            return flow.channel().eventLoop()
                    .submit(() -> flow.channel().pipeline().get(StreamFlowHandler.class).holdsFramer()).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachConnectionIsItsOwnFlowAndLeavesTheTableWhenClosed() throws Exception {
        StreamClient first = StreamClient.tcp(connector.localAddress());
        try (StreamClient second = StreamClient.tcp(connector.localAddress())) {
            first.write(Messages.request(1, "TCP"));
            second.write(Messages.request(2, "TCP"));
            assertThat(first.readHead()).contains(Messages.requestLine(1));
            assertThat(second.readHead()).contains(Messages.requestLine(2));
            Flow firstFlow = transports.flowTable().find(TransportType.TCP, first.localAddress());
            Flow secondFlow = transports.flowTable().find(TransportType.TCP, second.localAddress());
            assertThat(firstFlow.id()).isNotEqualTo(secondFlow.id());
            assertThat(connector.openConnections()).isEqualTo(2);

            first.close();

            assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isSameAs(firstFlow);
            assertThat(firstFlow.isOpen()).isFalse();
            assertThat(transports.flowTable().get(firstFlow.id())).isNull();
            assertThat(transports.flowTable().get(secondFlow.id())).isSameAs(secondFlow);
            assertThat(firstFlow.send(EchoHandler.ascii("late"))).isFalse();
            Await.until("the connection count drops", () -> connector.openConnections() == 1);
        }
    }

    @Test
    void framingErrorIsReportedThenTheConnectionClosesAfterTheAnswer() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK-9\r\n"
                    + "Call-ID: 9\r\nCSeq: 1 OPTIONS\r\n\r\n" + Messages.request(10, "TCP"));

            FramingError error = core.framingErrors.poll(5, TimeUnit.SECONDS);
            assertThat(error.statusCode()).isEqualTo(400);
            assertThat(core.openDuringFramingError.poll()).isTrue();
            assertThat(client.readHead()).startsWith("SIP/2.0 400 " + error.reasonPhrase());
            assertThat(client.closedByPeer()).isTrue();
            assertThat(core.messages).isEmpty(); // what followed the broken message was discarded
            assertThat(connector.metrics().framingErrors()).isEqualTo(1);
            assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void framesALargeMessageArrivingOverManyReads() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            String large = Messages.request(5, "TCP", 60_000);
            client.write(large + Messages.request(6, "TCP"));

            assertThat(client.readHead()).contains(Messages.requestLine(5));
            assertThat(client.readHead()).contains(Messages.requestLine(6));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(large);
        }
    }

    @Test
    void aMessageAboveTheMaximumSizeIsAnswered513AndTheConnectionClosed() throws Exception {
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(7, "TCP", 70_000));

            assertThat(client.readHead()).startsWith("SIP/2.0 513 ");
            assertThat(client.closedByPeer()).isTrue();
            assertThat(core.messages).isEmpty();
        }
    }

    @Test
    void callbacksRunOnTheEventLoopAndAFailingCallbackDoesNotHurtTheConnection() throws Exception {
        core.failOn = "u8@";
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(8, "TCP") + Messages.request(9, "TCP"));

            assertThat(client.readHead()).contains(Messages.requestLine(9));
            assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).isEqualTo(Messages.request(9, "TCP"));
            assertThat(core.threads).hasSize(2).allMatch(name -> name.startsWith("sip-io"));
        }
    }

    @Test
    void refusesConnectionsBeyondTheMaximum() throws Exception {
        transports.close();
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tcp-small", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxConnections(2).build());
        try (StreamClient a = StreamClient.tcp(connector.localAddress());
                StreamClient b = StreamClient.tcp(connector.localAddress())) {
            a.write(Messages.request(1, "TCP"));
            b.write(Messages.request(2, "TCP"));
            a.readHead();
            b.readHead();

            assertThat(StreamClient.connectionDroppedByServer(connector.localAddress())).isTrue();
            Await.until("the refusal is counted", () -> connector.metrics().refusedConnections() == 1);

            a.write(Messages.request(3, "TCP"));
            assertThat(a.readHead()).contains(Messages.requestLine(3));
            assertThat(connector.openConnections()).isEqualTo(2);
        }
        // Once the others are gone, a new connection is accepted again.
        Await.until("both connections are released", () -> connector.openConnections() == 0);
        try (StreamClient c = StreamClient.tcp(connector.localAddress())) {
            c.write(Messages.request(4, "TCP"));
            assertThat(c.readHead()).contains(Messages.requestLine(4));
        }
    }

    @Test
    void closesAConnectionThatStaysSilentForTheIdleTimeout() throws Exception {
        transports.close();
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tcp-idle", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .idleTimeout(Duration.ofMillis(300)).build());
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));
            client.readHead();

            assertThat(client.closedByPeer()).isTrue();
            assertThat(connector.metrics().idleClosedConnections()).isEqualTo(1);
            assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void aConfiguredReceiveBufferBoundsEachAcceptedConnectionAndABurstBeyondItStillGetsThroughInOrder() throws Exception {
        int receiveBuffer = 8 * 1024;
        transports.close();
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tcp-small-rcvbuf", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .receiveBufferSize(receiveBuffer).build());
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            StringBuilder burst = new StringBuilder();
            int requests = 200;
            for (int n = 1; n <= requests; n++) {
                burst.append(Messages.request(n, "TCP"));
            }
            assertThat(burst.length()).as("the burst is many receive buffers long").isGreaterThan(4 * receiveBuffer);
            client.write(burst.toString());

            for (int n = 1; n <= requests; n++) {
                assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(n));
            }
            StreamFlow flow = (StreamFlow) transports.flowTable().find(TransportType.TCP, client.localAddress());
            // Linux grants the size asked for (within rmem_max) and reports twice that, its bookkeeping included.
            assertThat(flow.channel().config().getOption(io.netty.channel.ChannelOption.SO_RCVBUF))
                    .isBetween(receiveBuffer, 2 * receiveBuffer);
        }
    }
}
