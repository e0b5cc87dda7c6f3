package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the mix of messages and keep-alive pings and however the bytes are cut into writes, a real TCP
 * connection delivers every message whole and in order, and answers every ping.
 */
class StreamChunkingPropertyTest {

    private static EchoHandler core;
    private static SipTransports transports;
    private static SipConnector connector;

    @BeforeContainer
    static void start() throws Exception {
        core = new EchoHandler();
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(2).build(), core);
        connector = transports.start(SipConnectorConfig.builder("tcp-property", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @AfterContainer
    static void stop() {
        transports.close();
    }

    @Property(tries = 40)
    void everyMessageArrivesWholeAndInOrder(@ForAll("bodyLengthsOrPings") @Size(min = 1, max = 12) List<Integer> items,
            @ForAll @IntRange(min = 1, max = 1500) int chunk) throws Exception {
        core.messages.clear();
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int item = items.get(i);
            if (item < 0) {
                stream.append("\r\n\r\n");
            } else {
                String request = Messages.request(i, "TCP", item);
                stream.append(request);
                expected.add(request);
            }
        }

        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.writeInChunks(stream.toString(), chunk);

            List<String> received = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                EchoHandler.Received message = core.messages.poll(5, TimeUnit.SECONDS);
                assertThat(message).as("message %d of %d", i + 1, expected.size()).isNotNull();
                received.add(message.text());
            }
            assertThat(received).containsExactlyElementsOf(expected);
            // What comes back: a CRLF per ping and a 200 per request, in stream order.
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) < 0) {
                    assertThat(client.readBytes(2)).isEqualTo("\r\n");
                } else {
                    assertThat(client.readHead()).contains("X-Request: " + Messages.requestLine(i));
                }
            }
        }
    }

    /** -1 for a ping, else the body length of a request. */
    @Provide
    Arbitrary<List<Integer>> bodyLengthsOrPings() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(-1)),
                Tuple.of(4, Arbitraries.integers().between(0, 3000))).list();
    }
}
