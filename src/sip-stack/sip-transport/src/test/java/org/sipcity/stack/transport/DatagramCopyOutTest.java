package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingError;

/**
 * A datagram is read into a buffer sized for the largest datagram (with epoll, for a whole batch of them): a handler
 * that keeps messages gets a right-sized copy, so that a queued message does not pin that buffer; a handler that
 * releases each message before it returns gets the read slice itself, with no copy.
 */
class DatagramCopyOutTest {

    /** What a delivered message looked like: its length and the capacity of the buffer it lies in. */
    record Seen(int length, int pinnedCapacity) {
    }

    /** Records each message and releases it at once; {@code keeps} is what it tells the transport. */
    static final class RecordingHandler implements InboundHandler {
        final BlockingQueue<Seen> seen = new ArrayBlockingQueue<>(16);
        private final boolean keeps;

        RecordingHandler(boolean keeps) {
            this.keeps = keeps;
        }

        @Override
        public boolean keepsMessages() {
            return keeps;
        }

        @Override
        public void onMessage(Flow flow, ByteBuf message) {
            ByteBuf root = message;
            while (root.unwrap() != null) {
                root = root.unwrap();
            }
            seen.add(new Seen(message.readableBytes(), root.capacity()));
            message.release();
        }

        @Override
        public void onFramingError(Flow flow, FramingError error) {
        }
    }

    private SipTransports transports;

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.close();
        }
    }

    @Test
    void aHandlerThatKeepsMessagesGetsARightSizedCopy() throws Exception {
        Seen seen = deliverOneTo(new RecordingHandler(true));
        assertThat(seen.pinnedCapacity()).isEqualTo(seen.length());
    }

    @Test
    void aHandlerThatReleasesAtOnceGetsTheReadBufferUncopied() throws Exception {
        Seen seen = deliverOneTo(new RecordingHandler(false));
        // the slot of the largest datagram (64 KiB), or with epoll the batch of 16 such slots
        assertThat(seen.pinnedCapacity()).isGreaterThanOrEqualTo(65_536);
    }

    private Seen deliverOneTo(RecordingHandler handler) throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), handler);
        SipConnector connector = transports.start(SipConnectorConfig.builder("udp-copy", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        byte[] data = Messages.request(1, "UDP").getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.send(new DatagramPacket(data, data.length, connector.localAddress()));
        }
        Seen seen = handler.seen.poll(5, TimeUnit.SECONDS);
        assertThat(seen).as("the datagram was delivered").isNotNull();
        assertThat(seen.length()).isEqualTo(data.length);
        return seen;
    }
}
