package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.interop.TinyResponder;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * Transaction TCP against the stack answering 200 (every REGISTER on a connection of its own, every one answered and
 * closed, none left open on the server), against a server that closes before answering and one that never answers,
 * over real loopback sockets. The build's smoke run of the mode: a few seconds at a low rate.
 */
class TransactionTcpLoadTest {

    private SipStack stack;

    @AfterEach
    void stopServer() {
        if (stack != null) {
            stack.close();
        }
    }

    private static OfferedLoadSettings settings(InetSocketAddress target, double rate, Duration duration,
            Duration responseTimeout) throws Exception {
        return new OfferedLoadSettings(target, false, 1, List.of(InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.0.0.3")), rate, duration, responseTimeout, "bench.invalid", "user%05d", 100,
                0, "test", 0);
    }

    @Test
    void everyRegisterHasItsOwnConnectionAnsweredAndClosed() throws Exception {
        stack = new SipStack(SipStackConfig.defaults(), new TinyResponder());
        SipConnector connector = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build());

        TransactionTcpLoad.Result result = new TransactionTcpLoad(settings(connector.localAddress(), 200,
                Duration.ofSeconds(2), Duration.ofSeconds(5)), 1, 1000, Duration.ofSeconds(1)).run();

        assertThat(result.generated()).as(result.line()).isBetween(400L - 6, 400L);
        assertThat(result.started() + result.heldBack() + result.scheduleLost()).as(result.line())
                .isEqualTo(result.generated());
        assertThat(result.heldBack()).as(result.line()).isZero();
        assertThat(result.connected()).as(result.line()).isEqualTo(result.started());
        assertThat(result.ok()).as(result.line()).isEqualTo(result.started());
        assertThat(result.connectFailures() + result.timeouts() + result.closedEarly() + result.rejected503()
                + result.otherFinal()).as(result.line()).isZero();
        assertThat(result.openAtEnd()).as(result.line()).isZero();
        assertThat(result.acceptedLatency().getTotalCount()).isEqualTo(result.ok());
        assertThat(result.connectLatency().getTotalCount()).isEqualTo(result.connected());
        assertThat(result.line()).contains("transport=tcp-tn", "ok=" + result.ok(), "closed_early=0");
        // One accepted connection per REGISTER, the warm-up's included (up to 200, not counted in the result; fewer
        // when a loaded host lost some of its schedule), and every one closed again on the server once the client
        // closed its side (waited for, bounded: the server's close follows the client's FIN asynchronously).
        assertThat(connector.metrics().acceptedConnections() - result.started()).as(result.line()).isBetween(1L, 200L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connector.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(connector.openConnections()).isZero();
    }

    @Test
    void aServerClosingBeforeItsAnswerIsCountedAsClosedEarly() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"))) {
            Thread closer = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket accepted = server.accept()) {
                        accepted.shutdownOutput(); // FIN, no answer
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "closing-server");
            closer.setDaemon(true);
            closer.start();

            TransactionTcpLoad.Result result = new TransactionTcpLoad(settings(
                    (InetSocketAddress) server.getLocalSocketAddress(), 50, Duration.ofSeconds(1),
                    Duration.ofSeconds(2)), 1, 1000, Duration.ZERO).run();

            assertThat(result.started()).as(result.line()).isPositive();
            assertThat(result.closedEarly()).as(result.line()).isEqualTo(result.started());
            assertThat(result.ok() + result.timeouts()).as(result.line()).isZero();
            assertThat(result.clean()).isFalse();
        }
    }

    @Test
    void unansweredRegistersTimeOutAndTheirConnectionsAreClosed() throws Exception {
        // Listening but never accepting: the kernel completes the handshakes, nothing ever answers.
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"))) {
            TransactionTcpLoad.Result result = new TransactionTcpLoad(settings(
                    (InetSocketAddress) silent.getLocalSocketAddress(), 50, Duration.ofSeconds(1),
                    Duration.ofMillis(500)), 1, 1000, Duration.ZERO).run();

            assertThat(result.started()).as(result.line()).isPositive();
            assertThat(result.connected()).as(result.line()).isEqualTo(result.started());
            assertThat(result.timeouts()).as(result.line()).isEqualTo(result.started());
            assertThat(result.ok() + result.closedEarly()).as(result.line()).isZero();
            assertThat(result.openAtEnd()).as(result.line()).isZero();
        }
    }

    @Test
    void connectionsBeyondTheOpenLimitAreHeldBackNotStarted() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"))) {
            TransactionTcpLoad.Result result = new TransactionTcpLoad(settings(
                    (InetSocketAddress) silent.getLocalSocketAddress(), 100, Duration.ofSeconds(1),
                    Duration.ofSeconds(3)), 1, 10, Duration.ZERO).run();

            assertThat(result.started()).as(result.line()).isEqualTo(10);
            assertThat(result.maxOpen()).as(result.line()).isEqualTo(10);
            assertThat(result.heldBack()).as(result.line()).isEqualTo(result.generated() - 10);
        }
    }
}
