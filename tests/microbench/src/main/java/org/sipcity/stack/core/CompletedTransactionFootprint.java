package org.sipcity.stack.core;

import java.net.InetSocketAddress;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.IgnoringTransactionUser;
import org.sipcity.stack.transaction.ServerTransaction;

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
        try (SipStack stack = FootprintRig.stack(new Registrar());
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(FootprintRig.startUdp(stack));
            client.setSoTimeout(5_000); // an answer lost on loopback ends the run with an exception
            int port = client.getLocalPort();
            exchange(client, port, 0, 2_000); // warm up, then let those 2,000 stay: they are in both figures
            long before = FootprintRig.settledHeap();
            long started = System.nanoTime();
            exchange(client, port, 2_000, count);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            long after = FootprintRig.settledHeap();
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

    /** Sends REGISTERs numbered [from, from + n) and reads every answer (all final: the registrar answers 200). */
    private static void exchange(DatagramSocket client, int port, int from, int n) throws Exception {
        FootprintRig.exchange(client, from, n, request -> register(port, request), answer -> true);
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

    /** Answers REGISTER 200 OK with the Contact and its expiry and a Date, on the event loop. */
    private static final class Registrar implements IgnoringTransactionUser {
        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            SipResponse ok = request.createResponse(200, "OK");
            ok.setToTag(Long.toHexString(System.nanoTime()));
            ok.setHeader(HeaderName.CONTACT, request.getHeader(HeaderName.CONTACT) + ";expires=3600");
            ok.setHeader(HeaderName.DATE, RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
            transaction.sendResponse(ok);
        }
    }
}
