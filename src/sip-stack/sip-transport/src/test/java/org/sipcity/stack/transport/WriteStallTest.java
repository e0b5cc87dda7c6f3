package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A peer that stops reading for good cannot make the server queue without bound, and is closed. */
class WriteStallTest {

    private static final int HIGH_WATER_MARK = 16 * 1024;
    private static final int WRITE_QUEUE_LIMIT = 64 * 1024;

    @Test
    void sendsBeyondTheHardLimitAreDroppedAndAStuckConnectionIsClosed() throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                core)) {
            SipConnector connector = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sendBufferSize(4096).writeBufferWaterMarks(8 * 1024, HIGH_WATER_MARK)
                    .writeQueueLimit(WRITE_QUEUE_LIMIT).writeStallTimeout(Duration.ofMillis(300)).build());
            try (StreamClient sleeper = StreamClient.slowReader(connector.localAddress(), 4096)) {
                sleeper.write(Messages.request(1, "TCP"));
                Flow flow = core.messages.poll(5, TimeUnit.SECONDS).flow();

                // Keep offering messages, as a busy proxy would, until the transport gives up on the peer.
                String big = Messages.request(2, "TCP", 8000);
                long accepted = 0;
                long dropped = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (flow.isOpen() && System.nanoTime() - deadline < 0) {
                    if (flow.send(EchoHandler.ascii(big))) {
                        accepted++;
                    } else {
                        dropped++;
                        Thread.sleep(5);
                    }
                }

                assertThat(flow.isOpen()).as("closed after %d sent, %d dropped", accepted, dropped).isFalse();
                assertThat(dropped).isPositive();
                assertThat(connector.metrics().droppedSends()).isGreaterThanOrEqualTo(dropped);
                // What was accepted is bounded by the kernel buffers plus the hard limit, not by the offers.
                assertThat(accepted * big.length()).isLessThan(WRITE_QUEUE_LIMIT + 1024L * 1024);
                assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isSameAs(flow);
                assertThat(connector.metrics().stalledClosedConnections()).isEqualTo(1);
                assertThat(connector.metrics().readPauses()).isPositive();
                assertThat(sleeper.closedByPeerAfterDraining()).isTrue();
            }
        }
    }
}
