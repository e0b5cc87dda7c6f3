package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingError;

/**
 * Datagrams other threads send from a UDP socket (the workers' responses) are handed to its event loop, where only the
 * last of a run flushes: a lone answer must still leave at once, and a run of answers must leave whole and in order.
 */
class DatagramCrossThreadSendTest {

    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private SipTransports transports;
    private SipConnector connector;

    /** Answers every request with {@code answers} datagrams "n/answers", sent from the worker thread. */
    private void start(int answers) throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), new InboundHandler() {
            @Override
            public void onMessage(Flow flow, ByteBuf message) {
                message.release();
                worker.execute(() -> {
                    for (int n = 1; n <= answers; n++) {
                        flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nX-Answer: " + n + "/" + answers
                                + "\r\nContent-Length: 0\r\n\r\n"));
                    }
                });
            }

            @Override
            public void onFramingError(Flow flow, FramingError error) {
            }
        });
        connector = transports.start(SipConnectorConfig.builder("udp-cross-thread", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
        if (transports != null) {
            transports.close();
        }
    }

    @Test
    void aLoneAnswerFromAnotherThreadLeavesAtOnce() throws Exception {
        start(1);
        try (DatagramSocket client = client()) {
            for (int request = 1; request <= 3; request++) {
                send(client, Messages.request(request, "UDP"));

                assertThat(receive(client)).contains("X-Answer: 1/1");
            }
        }
    }

    @Test
    void aRunOfAnswersFromAnotherThreadArrivesWholeAndInOrder() throws Exception {
        int answers = 1_000;
        start(answers);
        try (DatagramSocket client = client()) {
            client.setReceiveBufferSize(4 << 20);
            send(client, Messages.request(1, "UDP"));

            List<String> received = new ArrayList<>();
            for (int n = 1; n <= answers; n++) {
                received.add(receive(client));
            }

            for (int n = 1; n <= answers; n++) {
                assertThat(received.get(n - 1)).as("datagram %d", n).contains("X-Answer: " + n + "/" + answers + "\r\n");
            }
        }
    }

    private static DatagramSocket client() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
        return socket;
    }

    private void send(DatagramSocket client, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(data, data.length, connector.localAddress()));
    }

    private static String receive(DatagramSocket client) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            client.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram within 5 s", e);
        }
        return new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
    }
}
