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

                String big = Messages.request(2, "TCP", 8000);
                int accepted = 0;
                boolean dropped = false;
                for (int i = 0; i < 10_000 && !dropped; i++) {
                    if (flow.send(EchoHandler.ascii(big))) {
                        accepted++;
                    } else {
                        dropped = true;
                    }
                }

                assertThat(dropped).as("a send was refused after %d accepted", accepted).isTrue();
                assertThat(connector.metrics().droppedSends()).isGreaterThanOrEqualTo(1);
                // Queued at most the high water mark plus one message beyond the kernel buffers.
                assertThat((long) accepted * big.length()).isLessThan(4L * 1024 * 1024);
                assertThat(core.closed.poll(10, TimeUnit.SECONDS)).isSameAs(flow);
                assertThat(connector.metrics().stalledClosedConnections()).isEqualTo(1);
            }
        }
    }
}
