package org.sipcity.stack.core;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.IgnoringTransactionUser;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transport.TransportType;

/**
 * Heap per call a stateful proxy holds in the transaction layer for RFC 6026's Accepted state (Timer L and M, 32 s),
 * measured on the real stack over UDP loopback: a caller socket sends N INVITEs shaped like the calls benchmark's, a
 * transaction user forwards each in a client transaction to a callee socket that answers 200, and relays the 200
 * upstream through the server transaction; then it lets go of both, as a proxy does once the call is set up. What
 * stays is what the layer keeps: the lean entries of the server transaction and of the client transaction in
 * Accepted (its key and the attachment the TU left: none here). The heap after a full GC with them held, minus the
 * heap before, divided by N; next to it what the layer charged against its memory budget. Not a JMH benchmark (a
 * footprint, not a time) and not a test.
 *
 * <p>Run: {@code java -Xmx1g -cp tests/microbench/target/benchmarks.jar
 * org.sipcity.stack.core.AcceptedCallFootprint [N]} (N defaults to 50,000; it must finish within 32 s).
 */
public final class AcceptedCallFootprint {

    private AcceptedCallFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket callee = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Proxy proxy = new Proxy(new InetSocketAddress("127.0.0.1", callee.getLocalPort()));
            try (SipStack stack = FootprintRig.stack(proxy)) {
                proxy.stack = stack;
                caller.connect(FootprintRig.startUdp(stack));
                caller.setSoTimeout(5_000); // an answer lost on loopback ends the run with an exception
                Thread answering = new Thread(() -> answerInvites(callee), "callee");
                answering.setDaemon(true);
                answering.start();

                call(caller, 0, 2_000); // warm up, then let those 2,000 stay: they are in both figures
                long before = FootprintRig.settledHeap();
                long started = System.nanoTime();
                call(caller, 2_000, count);
                long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                long after = FootprintRig.settledHeap();
                long held = stack.transactions().acceptedClientTransactions();
                long charged = stack.transactions().completedTransactionBytes();
                System.out.printf(Locale.ROOT, "calls held in Accepted: %d server entries, %d client transactions "
                        + "(set up in %d ms, Timers L and M 32 s)%n", stack.transactions().completedTransactions(),
                        held, elapsedMillis);
                System.out.printf(Locale.ROOT, "live transaction objects: %d%n", stack.transactions().liveTransactions());
                System.out.printf(Locale.ROOT, "heap per call: %.0f B (measured, after full GC)%n",
                        (after - before) / (double) count);
                System.out.printf(Locale.ROOT, "charged per call: %.0f B (the budget's estimate)%n",
                        charged / (double) held);
            }
        }
    }

    /** Sends INVITEs numbered [from, from + n) and reads every final answer (provisional ones are passed over). */
    private static void call(DatagramSocket caller, int from, int n) throws Exception {
        int port = caller.getLocalPort();
        FootprintRig.exchange(caller, from, n, call -> invite(port, call),
                answer -> !new String(answer.getData(), 0, 12, StandardCharsets.US_ASCII).startsWith("SIP/2.0 1"));
    }

    private static byte[] invite(int port, int n) {
        return ("INVITE sip:callee@bench.invalid SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.2:" + port + ";branch=z9hG4bK-" + n + "-1-0;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:caller@bench.invalid>;tag=" + n + "\r\n"
                + "To: <sip:callee@bench.invalid>\r\n"
                + "Call-ID: " + n + "-4711@127.0.0.2\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:caller@127.0.0.2:" + port + ";transport=UDP>\r\n"
                + "User-Agent: SIPp bench\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The callee: 200 to every INVITE, To tag added, the request's Via, From, To, Call-ID and CSeq copied. */
    private static void answerInvites(DatagramSocket callee) {
        DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
        try {
            callee.setSoTimeout(60_000);
            while (!callee.isClosed()) {
                callee.receive(in);
                String request = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
                if (!request.startsWith("INVITE ")) {
                    continue;
                }
                StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
                for (String line : request.split("\r\n")) {
                    String name = line.toLowerCase(Locale.ROOT);
                    if (name.startsWith("via:") || name.startsWith("from:") || name.startsWith("call-id:")
                            || name.startsWith("cseq:")) {
                        ok.append(line).append("\r\n");
                    } else if (name.startsWith("to:")) {
                        ok.append(line).append(";tag=callee\r\n");
                    }
                }
                ok.append("Contact: <sip:callee@127.0.0.1:").append(callee.getLocalPort()).append(">\r\n")
                        .append("Content-Length: 0\r\n\r\n");
                byte[] bytes = ok.toString().getBytes(StandardCharsets.US_ASCII);
                callee.send(new DatagramPacket(bytes, bytes.length, in.getSocketAddress()));
            }
        } catch (SocketTimeoutException | java.net.SocketException done) {
            // the run is over
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forwards each INVITE to the callee in a client transaction and relays its 200, then keeps nothing of the call. */
    private static final class Proxy implements IgnoringTransactionUser {

        private final InetSocketAddress callee;
        private final Uri calleeUri;
        volatile SipStack stack;

        Proxy(InetSocketAddress callee) throws Exception {
            this.callee = callee;
            this.calleeUri = Uri.parse("sip:callee@127.0.0.1:" + callee.getPort());
        }

        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            SipRequest forwarded = SipRequest.create(SipMethod.INVITE, calleeUri);
            forwarded.setHeader(HeaderName.MAX_FORWARDS, "69");
            forwarded.setHeader(HeaderName.FROM, request.getHeader(HeaderName.FROM));
            forwarded.setHeader(HeaderName.TO, request.getHeader(HeaderName.TO));
            forwarded.setHeader(HeaderName.CALL_ID, request.getCallId());
            forwarded.setHeader(HeaderName.CSEQ, request.getHeader(HeaderName.CSEQ));
            forwarded.setHeader(HeaderName.CONTACT, request.getHeader(HeaderName.CONTACT));
            stack.sendRequest(forwarded, TransportType.UDP, callee)
                    .thenAccept(client -> client.attach(transaction));
        }

        @Override
        public void responseReceived(ClientTransaction transaction, SipResponse response) {
            Object upstream = transaction.attachment();
            if (response.getStatus() >= 200 && upstream instanceof ServerTransaction server) {
                transaction.attach(null);   // the proxy keeps nothing of an established call here
                SipResponse ok = server.request().createResponse(response.getStatus());
                ok.setToTag(response.getToTag());
                server.sendResponse(ok);
            }
        }
    }
}
