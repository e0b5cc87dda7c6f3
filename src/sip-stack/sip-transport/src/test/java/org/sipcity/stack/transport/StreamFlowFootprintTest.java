package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heap a TCP connection's {@code StreamFlow} takes, read from this JVM's own class histogram (the figure
 * {@code tests/loadgen/flow-heap.sh} reads from the server's): one exists per idle connection, so at 1,000,000 flows
 * every 8 B of it is 8 MB (issue 6, tests/SCALE.md). 48 B with compressed references: the handed-over writes' count
 * and bytes in one word, the TLS session only in a TLS connection's flow.
 */
class StreamFlowFootprintTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int CONNECTIONS = 20;

    private final EchoHandler core = new EchoHandler();
    private final List<StreamClient> clients = new ArrayList<>();
    private SipTransports transports;

    @AfterEach
    void stop() throws Exception {
        for (StreamClient client : clients) {
            client.close();
        }
        if (transports != null) {
            transports.close();
        }
    }

    @Test
    void aTcpConnectionsFlowTakes48Bytes() throws Exception {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(hotSpot != null && "true".equals(hotSpot.getVMOption("UseCompressedOops").getValue())
                && "true".equals(hotSpot.getVMOption("UseCompressedClassPointers").getValue()),
                "the 48 B hold with compressed references and class pointers (a heap under 32 GB, the default)");
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), core);
        SipConnector connector = transports.start(
                SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(LOOPBACK_ANY_PORT).build());
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(StreamClient.tcp(connector.localAddress()));
        }
        Await.until(CONNECTIONS + " connections open", () -> connector.openConnections() == CONNECTIONS);

        long[] flows = histogramEntry("org.sipcity.stack.transport.netty.StreamFlow");

        assertThat(flows[0]).as("StreamFlow instances").isGreaterThanOrEqualTo(CONNECTIONS);
        assertThat(flows[1] / flows[0]).as("bytes per StreamFlow").isEqualTo(48);
    }

    /** Instances and bytes of exactly this class in a class histogram of this JVM (a full GC first, as jcmd's). */
    private static long[] histogramEntry(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Matcher line = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+" + Pattern.quote(className) + "(\\s|$)")
                .matcher(histogram);
        assertThat(line.find()).as(className + " in the class histogram").isTrue();
        return new long[] {Long.parseLong(line.group(1)), Long.parseLong(line.group(2))};
    }
}
