package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP back-pressure (Shen and Schulzrinne, TCP-based SIP overload control): a connection whose peer does not
 * read our answers stops being read, so its further requests wait in the kernel and TCP flow control slows the
 * sender; what we already accepted to send is queued up to the hard limit, not dropped, and all of it arrives
 * once the peer reads again. Then reading resumes.
 */
class ReadBackPressureTest {

    private static final int HIGH_WATER_MARK = 16 * 1024;
    private static final int WRITE_QUEUE_LIMIT = 64 * 1024;
    private static final int MESSAGE_SIZE = 4000;

    /** Epoll and NIO stop and resume reading differently (EPOLLIN versus OP_READ interest). */
    @ParameterizedTest(name = "native epoll: {0}")
    @ValueSource(booleans = {true, false})
    void aPeerThatDoesNotReadIsNotReadFromUntilItDrainsAndLosesNothingUpToTheLimit(boolean nativeEpoll)
            throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(
                SipTransportsConfig.builder().eventLoopThreads(1).nativeEpoll(nativeEpoll).build(), core)) {
            SipConnector connector = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sendBufferSize(4096).writeBufferWaterMarks(8 * 1024, HIGH_WATER_MARK)
                    .writeQueueLimit(WRITE_QUEUE_LIMIT).writeStallTimeout(Duration.ofSeconds(60)).build());
            try (StreamClient peer = StreamClient.slowReader(connector.localAddress(), 4096)) {
                peer.write(Messages.request(1, "TCP"));
                Flow flow = core.messages.poll(5, TimeUnit.SECONDS).flow();
                assertThat(core.sendResults.poll(5, TimeUnit.SECONDS)).isTrue();

                // Answers pile up (the peer reads nothing) until the queue stays above the high water mark. While
                // the kernel still takes bytes, the queue may dip below the low mark again before the event loop
                // sees it full: then send more.
                List<Integer> sent = new ArrayList<>();
                int n = 100;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (connector.metrics().readPauses() == 0 && System.nanoTime() - deadline < 0) {
                    if (flow.isWritable()) {
                        assertThat(flow.send(EchoHandler.ascii(Messages.requestOfSize(n, "TCP", MESSAGE_SIZE))))
                                .isTrue();
                        sent.add(n++);
                        assertThat(sent.size()).as("writable though the peer reads nothing").isLessThan(1000);
                    } else {
                        Thread.sleep(1);
                    }
                }
                assertThat(connector.metrics().readPauses()).as("reading paused").isPositive();

                // Above the high water mark sends are still queued, up to the hard limit; beyond it they are dropped.
                long droppedBefore = connector.metrics().droppedSends();
                while (flow.send(EchoHandler.ascii(Messages.requestOfSize(n, "TCP", MESSAGE_SIZE)))) {
                    sent.add(n++);
                    assertThat(sent.size()).as("sends accepted without bound").isLessThan(1000);
                }
                assertThat(connector.metrics().droppedSends()).isEqualTo(droppedBefore + 1);
                assertThat(sent.size() * (long) MESSAGE_SIZE).isGreaterThan(HIGH_WATER_MARK + MESSAGE_SIZE);
                assertThat(flow.isWritable()).isFalse();
                long pauses = connector.metrics().readPauses();

                // The queue is full and the kernel buffers too: a request from the peer now stays in the kernel.
                peer.write(Messages.request(2, "TCP"));
                assertThat(core.messages.poll(500, TimeUnit.MILLISECONDS)).isNull();
                assertThat(connector.metrics().messagesIn()).isEqualTo(1);

                // The peer reads: every accepted message arrives, in order, and then the answer to request 2.
                assertThat(peer.readHead()).contains("X-Request: " + Messages.requestLine(1));
                for (int m : sent) {
                    String message = peer.readBytes(MESSAGE_SIZE);
                    assertThat(message).startsWith(Messages.requestLine(m));
                }
                assertThat(peer.readHead()).contains("X-Request: " + Messages.requestLine(2));
                assertThat(core.messages.poll(5, TimeUnit.SECONDS).text()).startsWith(Messages.requestLine(2));

                // Reading goes on as usual.
                peer.write(Messages.request(3, "TCP"));
                assertThat(peer.readHead()).contains("X-Request: " + Messages.requestLine(3));
                assertThat(flow.isOpen()).isTrue();
                assertThat(connector.metrics().readPauses()).isEqualTo(pauses);
                assertThat(connector.metrics().stalledClosedConnections()).isZero();
                assertThat(connector.metrics().droppedSends()).isEqualTo(droppedBefore + 1);
            }
        }
    }
}
