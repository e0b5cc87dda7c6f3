package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.transport.netty.DatagramFlow;
import org.sipcity.stack.transport.netty.DatagramHandler;

/**
 * Answers sent on the event loop while it delivers a read (an inline application's answers, the overload valve's
 * 503s) leave when the read batch ends: every one must reach the peer, on a stream (flush consolidated by the
 * pipeline) and over UDP (queued without a flush, flushed at channelReadComplete), and a send on the loop outside a
 * read must not wait for the next one. Over UDP with epoll, reads are batched by recvmmsg, and a datagram handed on
 * never pins the batch's buffer.
 */
class ReadBatchSendTest {

    /** Answers every request with {@link Flow#send}, on the event loop that delivered it. */
    private static final class BatchAnswering implements InboundHandler {
        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        /** Per message: the capacity of the buffer it keeps alive, and its length. */
        final BlockingQueue<int[]> pinned = new LinkedBlockingQueue<>();
        /** Extra bytes per answer, so that a batch's answers can pass the write queue's high water mark. */
        volatile String padding = "";
        /** Per UDP answer: the bytes its socket still held unsent right after the send returned. */
        final BlockingQueue<Long> unsentAfterSend = new LinkedBlockingQueue<>();
        volatile Flow lastFlow;

        @Override
        public void onMessage(Flow flow, ByteBuf message) {
            String text;
            try {
                ByteBuf root = message;
                while (root.unwrap() != null) {
                    root = root.unwrap();
                }
                pinned.add(new int[] {root.capacity(), message.readableBytes()});
                text = message.toString(StandardCharsets.UTF_8);
            } finally {
                message.release();
            }
            threads.add(Thread.currentThread().getName());
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            lastFlow = flow;
            flow.send(EchoHandler.ascii("SIP/2.0 503 Service Unavailable\r\nX-Request: " + requestLine
                    + "\r\n" + padding + "Content-Length: 0\r\n\r\n"));
            if (flow instanceof DatagramFlow datagram) {
                unsentAfterSend.add(datagram.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
            }
        }

        @Override
        public void onFramingError(Flow flow, FramingError error) {
        }
    }

    private final BatchAnswering core = new BatchAnswering();
    private SipTransports transports;

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.close();
        }
    }

    private SipConnector start(TransportType transport) throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), core);
        return transports.start(SipConnectorConfig.builder("batch-" + transport, transport)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @Test
    void answersQueuedDuringAStreamReadBatchAllLeave() throws Exception {
        SipConnector connector = start(TransportType.TCP);
        int requests = 50;
        StringBuilder burst = new StringBuilder();
        for (int n = 1; n <= requests; n++) {
            burst.append(Messages.request(n, "TCP"));
        }
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(burst.toString()); // one write: framed from one or a few reads, one batch each

            for (int n = 1; n <= requests; n++) {
                assertThat(client.readHead()).startsWith("SIP/2.0 503").contains("X-Request: " + Messages.requestLine(n));
            }
        }
        assertThat(core.threads.poll(1, TimeUnit.SECONDS)).as("answered on the event loop").contains("sip");
        assertThat(connector.metrics().messagesOut()).isEqualTo(requests);
    }

    /**
     * A read batch whose answers pass the high water mark flushes them at once; when the peer takes them all in that
     * flush, the connection is writable again before the handler could pause reading, and it must not pause. (It
     * did: the writable event fired inside the flush, then the handler paused reading for good, with nothing left to
     * write that could ever resume it: after the first batch the peer got no more answers.)
     */
    @Test
    void aBatchWhoseAnswersPassTheHighWaterMarkAndDrainAtOnceKeepsTheConnectionReading() throws Exception {
        core.padding = "X-Padding: " + "p".repeat(1200) + "\r\n";
        SipConnector connector = start(TransportType.TCP);
        int requests = 500; // ~1.3 KB answers: the 64 KiB high water mark is passed within each read batch
        StringBuilder burst = new StringBuilder();
        for (int n = 1; n <= requests; n++) {
            burst.append(Messages.request(n, "TCP"));
        }
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(burst.toString());

            for (int n = 1; n <= requests; n++) {
                assertThat(client.readHead()).as("answer %d", n).startsWith("SIP/2.0 503")
                        .contains("X-Request: " + Messages.requestLine(n));
            }
        }
        assertThat(connector.metrics().messagesOut()).isEqualTo(requests);
    }

    @Test
    void answersQueuedDuringADatagramReadBatchAllLeave() throws Exception {
        SipConnector connector = start(TransportType.UDP);
        int requests = 50;
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            for (int n = 1; n <= requests; n++) {
                byte[] data = Messages.request(n, "UDP").getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(data, data.length, connector.localAddress()));
            }
            for (int n = 1; n <= requests; n++) {
                DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
                client.receive(packet);
                assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                        .startsWith("SIP/2.0 503");
            }
        }
        assertThat(connector.metrics().messagesOut()).isEqualTo(requests);
        for (int[] message; (message = core.pinned.poll()) != null; ) {
            assertThat(message[0]).as("buffer kept alive by a %d-byte datagram", message[1]).isLessThanOrEqualTo(4 * message[1]);
        }
    }

    /**
     * The answer to a datagram is queued, not written, while its read batch is delivered (so that the batch's answers
     * leave in one sendmmsg), and a send on the same event loop outside a read leaves at once.
     */
    @Test
    void aDatagramAnswerWaitsForTheEndOfItsReadBatchAndASendOutsideOneDoesNot() throws Exception {
        SipConnector connector = start(TransportType.UDP);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            byte[] data = Messages.request(1, "UDP").getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(data, data.length, connector.localAddress()));
            DatagramPacket answer = new DatagramPacket(new byte[65536], 65536);
            client.receive(answer);
            assertThat(core.unsentAfterSend.poll(1, TimeUnit.SECONDS)).as("bytes still queued right after the send")
                    .isPositive();

            Flow flow = core.lastFlow;
            ((DatagramFlow) flow).channel().eventLoop().execute(
                    () -> flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nX-Outside: read\r\nContent-Length: 0\r\n\r\n")));
            client.receive(answer);
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8))
                    .contains("X-Outside: read");
        }
    }

    @Test
    void datagramReadsAreBatchedByRecvmmsgWithEpoll() throws Exception {
        SipConnector connector = start(TransportType.UDP);
        assumeTrue(transports.nativeEpoll(), "epoll only");
        Channel socket = connector.listeningChannels().get(0);
        assertThat(socket).isInstanceOf(EpollDatagramChannel.class);
        int datagramSize = DatagramHandler.receiveBufferSize(65535);

        assertThat(socket.config().getOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE)).isEqualTo(datagramSize);
        var allocator = (io.netty.channel.MaxMessagesRecvByteBufAllocator) socket.config().getRecvByteBufAllocator();
        assertThat(allocator.maxMessagesPerRead()).isEqualTo(DatagramHandler.DATAGRAMS_PER_READ);
        ByteBuf buffer = allocator.newHandle().allocate(socket.alloc());
        try {
            assertThat(buffer.writableBytes() / datagramSize).as("datagram slots per recvmmsg")
                    .isEqualTo(DatagramHandler.DATAGRAMS_PER_READ);
        } finally {
            buffer.release();
        }
    }
}
