package org.sipcity.stack.core;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * What the heap footprint tools share: a stack on one event loop whose transaction limits do not bind (the tools
 * measure what the layer holds, not when it refuses), its UDP connector on loopback, a load of numbered requests with
 * a bounded number outstanding, and the heap as it settles after full GCs.
 */
final class FootprintRig {

    /** Requests in flight at most: enough to keep the event loop busy, few enough that loopback loses none. */
    private static final int OUTSTANDING = 64;

    private FootprintRig() {
    }

    static SipStack stack(TransactionUser user) {
        TransactionConfig transactions = TransactionConfig.builder().maxLiveTransactions(1_000_000)
                .completedMemoryBytes(Runtime.getRuntime().maxMemory() / 2).build();
        return new SipStack(new SipStackConfig(SipTransportsConfig.builder().eventLoopThreads(1).build(),
                ParserConfig.defaults(), transactions), user);
    }

    /** Starts a UDP connector on a free loopback port; returns where it listens. */
    static InetSocketAddress startUdp(SipStack stack) throws Exception {
        return stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build()).localAddress();
    }

    /**
     * Sends the requests numbered [from, from + n) over the connected socket and reads answers until n of them were
     * final (isFinal), with at most 64 requests outstanding.
     */
    static void exchange(DatagramSocket socket, int from, int n, IntFunction<byte[]> request,
                         Predicate<DatagramPacket> isFinal) throws Exception {
        DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
        int sent = 0;
        int answered = 0;
        while (answered < n) {
            while (sent < n && sent - answered < OUTSTANDING) {
                byte[] bytes = request.apply(from + sent);
                socket.send(new DatagramPacket(bytes, bytes.length));
                sent++;
            }
            socket.receive(in);
            if (isFinal.test(in)) {
                answered++;
            }
        }
    }

    /** The lowest used heap over five full GCs: what is live, without garbage the collector has yet to reclaim. */
    static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
