package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A peer that stops reading cannot make the server queue without bound. */
class WriteStallTest {

    @Test
    void sendsAreDroppedAboveTheHighWaterMarkAndAStuckConnectionIsClosed() throws Exception {
        EchoHandler core = new EchoHandler();
        try (SipTransports transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                core)) {
            SipConnector connector = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sendBufferSize(4096).writeBufferWaterMarks(8 * 1024, 16 * 1024)
                    .writeStallTimeout(Duration.ofMillis(300)).build());
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
                // What was queued is bounded by the kernel buffers plus the high water mark, not by the offers.
                assertThat(accepted * big.length()).isLessThan(4L * 1024 * 1024);
                assertThat(core.closed.poll(5, TimeUnit.SECONDS)).isSameAs(flow);
                assertThat(connector.metrics().stalledClosedConnections()).isEqualTo(1);
            }
        }
    }
}
