package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's per-socket UDP drop counters: parsing of the tables, matching by inode or port, sums that only grow. */
class DatagramDropsTest {

    private static final String HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n";
    /** Port 0x13C4 = 5060 with 17 drops (inode 4242); 0x1450 = 5200 with 3 drops (inode 777); another process's socket. */
    private static final String UDP = HEADER
            + " 1021: 0100007F:13C4 00000000:0000 07 00000000:00040000 00:00000000 00000000     0        0 4242 2 ffff8f2a00000000 17      \n"
            + " 1100: 0100007F:1450 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 ffff8f2a00000001 3       \n"
            + " 2000: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 999 2 ffff8f2a00000002 123456  \n";
    private static final String UDP6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
            + "  600: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5151 2 ffff8f2a00000003 5\n";

    @TempDir
    Path dir;

    @Test
    void theDropsOfTheGivenInodesAreSummedAndOtherSocketsIgnored() {
        assertThat(DatagramDrops.dropsOf(UDP, 4242)).isEqualTo(17);
        assertThat(DatagramDrops.dropsOf(UDP, 4242, 777)).isEqualTo(20);
        assertThat(DatagramDrops.dropsOf(UDP, 1)).isZero();
        assertThat(DatagramDrops.dropsOf(UDP6, 5151)).isEqualTo(5);
    }

    @Test
    void theReceiveQueueOfTheGivenInodesIsReadFromTheHexColumnAfterTheColon() {
        // 0x00040000 = 262,144 bytes waiting at inode 4242; nothing at 777.
        assertThat(DatagramDrops.queuedOf(UDP, 4242)).isEqualTo(262_144);
        assertThat(DatagramDrops.queuedOf(UDP, 4242, 777)).isEqualTo(262_144);
        assertThat(DatagramDrops.queuedOf(UDP6, 5151)).isZero();
        assertThat(DatagramDrops.queuedOf(HEADER + " 1021: 0100007F:13C4 00000000:0000 07 00000000:0004x000 00:00000000 "
                + "00000000     0        0 4242 2 ffff8f2a00000000 17      \n", 4242)).as("garbled").isZero();
    }

    @Test
    void aTruncatedOrGarbledLineCountsNothing() {
        assertThat(DatagramDrops.dropsOf(HEADER + " 1021: 0100007F:13C4 00000000:0000 07 00000000:00040000\n", 4242)).isZero();
        assertThat(DatagramDrops.dropsOf("", 4242)).isZero();
        assertThat(DatagramDrops.dropsOf(HEADER + UDP.substring(HEADER.length()).replace(" 17 ", " x7 "), 4242)).isZero();
    }

    @Test
    void socketsAreMatchedByInodeOrElseByPortAcrossBothTablesAndAClosedSocketKeepsItsCount() throws IOException {
        Path udp = dir.resolve("udp");
        Path udp6 = dir.resolve("udp6");
        Files.writeString(udp, UDP, StandardCharsets.US_ASCII);
        Files.writeString(udp6, UDP6, StandardCharsets.US_ASCII);
        DatagramDrops drops = new DatagramDrops(udp, udp6);
        EmbeddedChannel v4 = new EmbeddedChannel();
        EmbeddedChannel v6 = new EmbeddedChannel();
        EmbeddedChannel byPort = new EmbeddedChannel();
        drops.add(v4, 4242, 5060);
        drops.add(v6, 5151, 5060);
        drops.add(byPort, 0, 5200); // no inode known (NIO): its port

        assertThat(drops.drops()).isEqualTo(17 + 5 + 3);
        assertThat(drops.queuedBytes()).as("as of that read").isEqualTo(0x40000);

        Files.writeString(udp, UDP.replace(" 17 ", " 40 "), StandardCharsets.US_ASCII);
        assertThat(drops.drops()).isEqualTo(40 + 5 + 3);

        drops.forget(v4);
        Files.writeString(udp, HEADER, StandardCharsets.US_ASCII); // the socket is gone from the table
        assertThat(drops.drops()).as("a closed socket's last count stays").isEqualTo(40 + 5 + 3);
        assertThat(drops.queuedBytes()).as("but not its queue").isZero();
        assertThat(drops.sockets()).isEqualTo(2);
    }

    @Test
    void unreadableTablesReadZero() {
        DatagramDrops drops = new DatagramDrops(dir.resolve("missing"));
        drops.add(new EmbeddedChannel(), 4242, 5060);

        assertThat(drops.drops()).isZero();
    }

    @Test
    void theDropsOfABoundUdpSocketThatDoesNotReadAreCounted() throws Exception {
        // The real thing on Linux with epoll: the socket's inode from /proc/self/fd, its line in /proc/net/udp.
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
        io.netty.channel.EventLoopGroup group = new io.netty.channel.epoll.EpollEventLoopGroup(1);
        try {
            io.netty.channel.Channel socket = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.epoll.EpollDatagramChannel.class)
                    .option(io.netty.channel.ChannelOption.AUTO_READ, false) // the queue fills, the kernel drops
                    .option(io.netty.channel.ChannelOption.SO_RCVBUF, 4096)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new java.net.InetSocketAddress("127.0.0.1", 0)).sync().channel();
            DatagramDrops drops = new DatagramDrops();
            drops.add(socket);
            assertThat(drops.drops()).isZero();
            byte[] payload = new byte[500];
            try (java.net.DatagramSocket sender = new java.net.DatagramSocket()) {
                for (int i = 0; i < 200; i++) {
                    sender.send(new java.net.DatagramPacket(payload, payload.length, socket.localAddress()));
                }
            }

            long dropped = drops.drops();
            assertThat(dropped).as("200 datagrams of 500 bytes into a 4 KiB receive buffer").isGreaterThan(100).isLessThan(200);
            // What the kernel kept for the loop that does not read: at least one datagram, within the buffer (the
            // kernel doubles SO_RCVBUF and may admit one datagram past it).
            assertThat(drops.queuedBytes()).isGreaterThanOrEqualTo(500).isLessThanOrEqualTo(2 * 4096 + 4096);
            assertThat(drops.sockets()).isEqualTo(1);
            socket.close().sync();
            assertThat(drops.sockets()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
