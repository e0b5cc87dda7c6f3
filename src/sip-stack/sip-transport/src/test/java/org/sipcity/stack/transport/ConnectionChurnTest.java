package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.netty.StreamFlow;

/**
 * Transaction TCP as the server sees it: a connection per request, opened, answered once and closed by the client.
 * What the transport does once per connection beyond a request on a persistent one: accept, a pipeline, a flow in the
 * table, and the close.
 */
class ConnectionChurnTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final EchoHandler core = new EchoHandler();
    private SipTransports transports;

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.close();
        }
    }

    private SipConnector start(SipConnectorConfig.Builder config) throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        return transports.start(config.bindAddress(LOOPBACK_ANY_PORT).build());
    }

    /** One request per connection, answered, then the client closes; returns once the server closed every one. */
    private static void churn(SipConnector connector, int connections) throws Exception {
        long acceptedBefore = connector.metrics().acceptedConnections();
        for (int i = 1; i <= connections; i++) {
            try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
                client.write(Messages.request(i, "TCP"));
                assertThat(client.readHead()).startsWith("SIP/2.0 200 OK\r\n");
            }
        }
        Await.until("the server closed all " + connections + " connections",
                () -> connector.metrics().acceptedConnections() - acceptedBefore == connections
                        && connector.openConnections() == 0);
    }

    @Test
    void closingAnAcceptedConnectionCreatesNoExceptionOfOurs() throws Exception {
        SipConnector connector = start(SipConnectorConfig.builder("tcp", TransportType.TCP));
        churn(connector, 5); // classes loaded, nothing of this in the recording

        Path file = Files.createTempFile("churn", ".jfr");
        List<String> ours = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JavaExceptionThrow").withStackTrace();
            recording.enable("jdk.JavaErrorThrow").withStackTrace();
            recording.start();
            churn(connector, 20);
            recording.stop();
            recording.dump(file);
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (event.getStackTrace() == null
                        || event.getClass("thrownClass").getName().startsWith("io.netty.util.ResourceLeakDetector")) {
                    continue; // the tests' paranoid leak detection records each buffer's accesses as throwables
                }
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    if (frame.getMethod().getType().getName().startsWith("org.sipcity.stack.transport.netty.")) {
                        // An exception built on our event-loop path: its stack trace is filled in, per connection.
                        ours.add(event.getClass("thrownClass").getName() + " at " + frame.getMethod().getType().getName()
                                + "." + frame.getMethod().getName());
                        break;
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        assertThat(ours).as("exceptions created while serving 20 transaction-TCP connections").isEmpty();
    }

    @Test
    void withOneListeningSocketPerEventLoopTwoConnectionsStillGetTwoLoops() throws Exception {
        SipConnector connector = start(SipConnectorConfig.builder("tcp", TransportType.TCP));
        assumeTrue(transports.nativeEpoll(), "SO_REUSEPORT sockets need epoll");
        assertThat(connector.listeningChannels()).hasSize(2);

        // Whichever listening socket the kernel's hash picks for each, two persistent peers are served by two loops.
        try (StreamClient first = StreamClient.tcp(connector.localAddress());
             StreamClient second = StreamClient.tcp(connector.localAddress())) {
            Set<EventLoop> used = new HashSet<>();
            for (StreamClient client : List.of(first, second)) {
                client.write(Messages.request(1, "TCP"));
                assertThat(client.readHead()).startsWith("SIP/2.0 200 OK\r\n");
                used.add(((StreamFlow) core.messages.poll(5, TimeUnit.SECONDS).flow()).channel().eventLoop());
            }
            assertThat(used).hasSize(2);
        }
    }

    @Test
    void withOneListeningSocketConnectionsAreSpreadOverTheLoops() throws Exception {
        SipConnector connector = start(SipConnectorConfig.builder("tcp", TransportType.TCP).reusePort(false));
        assertThat(connector.listeningChannels()).hasSize(1);

        Set<EventLoop> used = new HashSet<>();
        for (int i = 1; i <= 4; i++) {
            try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
                client.write(Messages.request(i, "TCP"));
                assertThat(client.readHead()).startsWith("SIP/2.0 200 OK\r\n");
                used.add(((StreamFlow) core.messages.poll(5, TimeUnit.SECONDS).flow()).channel().eventLoop());
            }
        }
        assertThat(used).hasSize(2);
    }

    @Test
    void listeningSocketsDeferTheAcceptUntilTheClientSpeaks() throws Exception {
        SipConnector connector = start(SipConnectorConfig.builder("tcp", TransportType.TCP).deferAccept(Duration.ofSeconds(1)));
        assumeTrue(transports.nativeEpoll(), "TCP_DEFER_ACCEPT is set through epoll");
        assertThat(connector.listeningChannels())
                .allSatisfy(c -> assertThat(c.config().getOption(EpollChannelOption.TCP_DEFER_ACCEPT)).isPositive());

        // A client that never speaks is still accepted (after about the configured second), not lost.
        try (Socket silent = new Socket()) {
            silent.connect(connector.localAddress(), StreamClient.READ_TIMEOUT_MILLIS);
            Await.until("the silent connection was accepted", () -> connector.metrics().acceptedConnections() == 1,
                    Duration.ofSeconds(15));
        }
    }

    @Test
    void deferredAcceptIsOffByDefault() throws Exception {
        SipConnector connector = start(SipConnectorConfig.builder("tcp", TransportType.TCP));
        assumeTrue(transports.nativeEpoll(), "TCP_DEFER_ACCEPT is set through epoll");
        assertThat(connector.listeningChannels())
                .allSatisfy(c -> assertThat(c.config().getOption(EpollChannelOption.TCP_DEFER_ACCEPT)).isZero());
        try (Socket silent = new Socket()) {
            silent.connect(connector.localAddress(), StreamClient.READ_TIMEOUT_MILLIS);
            Await.until("the silent connection was accepted", () -> connector.metrics().acceptedConnections() == 1,
                    Duration.ofSeconds(5));
        }
    }
}
