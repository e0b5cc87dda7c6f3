package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * A retransmitted request over UDP is answered from the completed transaction's kept bytes (RFC 3261 §17.2.2),
 * over real loopback sockets: the same bytes again, to where §18.2.2 sent the first, and the TU sees it once.
 */
class RetransmissionOverUdpTest {

    private static final int TIMEOUT = 3000;
    private final AnsweringUser user = new AnsweringUser();
    private SipStack stack;
    private InetSocketAddress server;

    @BeforeEach
    void start() throws Exception {
        stack = new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                ParserConfig.defaults(), TransactionConfig.defaults()), user);
        server = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build()).localAddress();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static byte[] register(int viaPort, String viaParameters) {
        return ("REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + viaPort + ";branch=z9hG4bK" + System.nanoTime() + viaParameters + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: retransmitted-" + System.nanoTime() + "\r\n"
                + "CSeq: 7 REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + viaPort + ">\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Test
    void theRetransmissionGetsTheSameBytesAndTheTransactionUserSeesOneRequest() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(TIMEOUT);
            byte[] request = register(client.getLocalPort(), ";rport");

            client.send(new DatagramPacket(request, request.length, server));
            byte[] first = receive(client);
            client.send(new DatagramPacket(request, request.length, server));
            byte[] second = receive(client);

            assertThat(new String(first, StandardCharsets.US_ASCII)).startsWith("SIP/2.0 200 OK\r\n");
            assertThat(second).isEqualTo(first);
            assertThat(user.requests).hasValue(1);
            assertThat(stack.transactions().liveTransactions()).isZero();
            assertThat(stack.transactions().completedTransactions()).isEqualTo(1);
            assertThat(stack.transactions().completedTransactionBytes()).isBetween(400L, 1500L);
            assertThat(stack.transactions().counters().absorbed()).isEqualTo(1);
        }
    }

    @Test
    void aResponseSentToTheViaAddressIsResentThere() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket viaTarget = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(TIMEOUT);
            viaTarget.setSoTimeout(TIMEOUT);
            // No rport: §18.2.2 sends the response to the sent-by port, here another socket than the source.
            byte[] request = register(viaTarget.getLocalPort(), "");

            client.send(new DatagramPacket(request, request.length, server));
            byte[] first = receive(viaTarget);
            client.send(new DatagramPacket(request, request.length, server));
            byte[] second = receive(viaTarget);

            assertThat(new String(first, StandardCharsets.US_ASCII)).startsWith("SIP/2.0 200 OK\r\n");
            assertThat(second).isEqualTo(first);
            assertThat(user.requests).hasValue(1);
        }
    }
}
