package org.sipcity.stack.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * Heap per completed REGISTER transaction over UDP, measured on the real stack: a UDP connector on loopback, a
 * transaction user answering 200 OK with the Contact and a Date (as TinyResponder does), and N distinct REGISTERs
 * shaped like the SIPp benchmark's, each answered, so that N completed transactions wait for Timer J (32 s). The
 * heap after a full GC with them held, minus the heap before, divided by N; next to it what the layer charged
 * against its memory budget for them. Not a JMH benchmark (a footprint, not a time) and not a test.
 *
 * <p>Run: {@code java -Xmx1g -cp tests/microbench/target/benchmarks.jar
 * org.sipcity.stack.core.CompletedTransactionFootprint [N]} (N defaults to 100,000; it must finish within 32 s).
 */
public final class CompletedTransactionFootprint {

    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

    private CompletedTransactionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        TransactionConfig transactions = TransactionConfig.builder().maxLiveTransactions(1_000_000)
                .completedMemoryBytes(Runtime.getRuntime().maxMemory() / 2).build();
        try (SipStack stack = new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                ParserConfig.defaults(), transactions), new Registrar());
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress server = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                    .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build()).localAddress();
            client.connect(server);
            client.setSoTimeout(5_000); // an answer lost on loopback ends the run with an exception
            int port = client.getLocalPort();
            exchange(client, port, 0, 2_000); // warm up, then let those 2,000 stay: they are in both figures
            long before = settledHeap(memory);
            long started = System.nanoTime();
            exchange(client, port, 2_000, count);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            long after = settledHeap(memory);
            long held = stack.transactions().completedTransactions() - 2_000;
            long charged = stack.transactions().completedTransactionBytes();
            System.out.printf(Locale.ROOT, "completed transactions held: %d (answered in %d ms, Timer J 32 s)%n", held,
                    elapsedMillis);
            System.out.printf(Locale.ROOT, "live transaction objects: %d%n", stack.transactions().liveTransactions());
            System.out.printf(Locale.ROOT, "heap per completed transaction: %.0f B (measured, after full GC)%n",
                    (after - before) / (double) held);
            System.out.printf(Locale.ROOT, "charged per completed transaction: %.0f B (the budget's estimate)%n",
                    charged / (double) (held + 2_000));
        }
    }

    /** Sends REGISTERs numbered [from, from + n) with at most 64 outstanding, and reads every answer. */
    private static void exchange(DatagramSocket client, int port, int from, int n) throws Exception {
        DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
        int sent = 0;
        int received = 0;
        while (received < n) {
            while (sent < n && sent - received < 64) {
                byte[] request = register(port, from + sent);
                client.send(new DatagramPacket(request, request.length));
                sent++;
            }
            client.receive(in);
            received++;
        }
    }

    private static byte[] register(int port, int n) {
        return ("REGISTER sip:127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-" + n + "-1-0;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:user" + (n % 20_000) + "@bench.invalid>;tag=" + n + "\r\n"
                + "To: <sip:user" + (n % 20_000) + "@bench.invalid>\r\n"
                + "Call-ID: " + n + "-4711@127.0.0.1\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:user" + (n % 20_000) + "@127.0.0.1;transport=UDP>\r\n"
                + "Expires: 3600\r\n"
                + "User-Agent: SIPp bench\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Answers REGISTER 200 OK with the Contact and its expiry and a Date, on the event loop. */
    private static final class Registrar implements TransactionUser {
        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            SipResponse ok = request.createResponse(200, "OK");
            ok.setToTag(Long.toHexString(System.nanoTime()));
            ok.setHeader(HeaderName.CONTACT, request.getHeader(HeaderName.CONTACT) + ";expires=3600");
            ok.setHeader(HeaderName.DATE, RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
            transaction.sendResponse(ok);
        }

        @Override
        public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        }

        @Override
        public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        }

        @Override
        public void responseReceived(ClientTransaction transaction, SipResponse response) {
        }

        @Override
        public void strayResponse(SipResponse response, TransactionChannel channel) {
        }

        @Override
        public void timeout(Transaction transaction) {
        }

        @Override
        public void transportError(Transaction transaction, Throwable cause) {
        }
    }
}
