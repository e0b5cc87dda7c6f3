package org.sipcity.stack.transport;

import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The datagrams the kernel dropped at the full receive queues of this server's UDP sockets: the excess of a UDP
 * overload, which never reaches the event loops and so shows in no other signal (worker queue, lag, read batches).
 * On Linux, the per-socket {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6}, matched by the
 * socket's inode (read once per socket from {@code /proc/self/fd}); a socket whose inode cannot be read (the NIO
 * transport) is matched by its local port. Elsewhere, or where {@code /proc} cannot be read, it reads 0.
 *
 * <p>Sampled, never counted per packet: {@link #drops()} reads the two files (a line per UDP socket of the host) and
 * is meant for a timer, e.g. the overload valve's evaluation every 50 ms; it must not run on an event loop. The
 * count only grows: a closed socket's last figure is kept.
 */
public final class DatagramDrops {

    private static final Logger LOG = Logger.getLogger(DatagramDrops.class);
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    /** A registered socket: its inode (0 when unknown) or else its local port, its last drops and queue read. */
    private static final class Socket {
        final long inode;
        final int port;
        volatile long lastDrops;
        volatile long lastQueued;

        Socket(long inode, int port) {
            this.inode = inode;
            this.port = port;
        }
    }

    private final Path[] tables;
    private final Map<Channel, Socket> sockets = new ConcurrentHashMap<>();
    private long closedDrops;
    private byte[] buffer = new byte[16 * 1024];
    private boolean warned;

    public DatagramDrops() {
        this(TABLES);
    }

    /** For tests: the tables to read instead of {@code /proc/net/udp} and {@code /proc/net/udp6}. */
    DatagramDrops(Path... tables) {
        this.tables = tables.clone();
    }

    /** Starts counting the drops of a bound UDP socket; forgets it (keeping its count) when it closes. */
    void add(Channel socket) {
        long inode = inodeOf(socket);
        int port = socket.localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
        sockets.put(socket, new Socket(inode, port));
        socket.closeFuture().addListener(f -> forget(socket));
    }

    /** Test seam: a socket known by inode and port without a channel. */
    void add(Channel key, long inode, int port) {
        sockets.put(key, new Socket(inode, port));
    }

    synchronized void forget(Channel socket) {
        Socket gone = sockets.remove(socket);
        if (gone != null) {
            closedDrops += gone.lastDrops;
        }
    }

    /** Sockets counted now. */
    public int sockets() {
        return sockets.size();
    }

    /**
     * The bytes waiting in the receive queues of this server's open UDP sockets, summed, as of the last
     * {@link #drops()} (the {@code rx_queue} column: what the kernel holds for the event loops to read, counted as
     * the kernel charges it, each datagram's payload plus its buffer overhead). Above capacity it says how far behind
     * the loops are, before the queue is full and drops begin.
     */
    public long queuedBytes() {
        long sum = 0;
        for (Socket socket : sockets.values()) {
            sum += socket.lastQueued;
        }
        return sum;
    }

    /**
     * The drops of every UDP socket of this server since it was bound, summed (closed sockets included). Reads the
     * kernel's tables: call it from a timer thread, not per message.
     */
    public synchronized long drops() {
        if (sockets.isEmpty()) {
            return closedDrops;
        }
        for (Path table : tables) {
            int length = read(table);
            if (length > 0) {
                match(buffer, length, sockets.values());
            }
        }
        long sum = closedDrops;
        for (Socket socket : sockets.values()) {
            sum += socket.lastDrops;
        }
        return sum;
    }

    private int read(Path table) {
        try (InputStream in = Files.newInputStream(table)) {
            int length = 0;
            while (true) {
                if (length == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return length;
                }
                length += n;
            }
        } catch (IOException | UnsupportedOperationException e) {
            if (!warned) {
                warned = true;
                LOG.debugf("UDP drop counters unavailable (%s): the overload valve's datagram-drop signal reads 0", e.toString());
            }
            return 0;
        }
    }

    /**
     * Parses a {@code /proc/net/udp} table (header line, then one line per socket: {@code sl local_address
     * rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops}) and sets the
     * drops and receive queue of each of {@code sockets} listed in it, by inode, or by local port for a socket
     * without one.
     */
    static void match(byte[] text, int length, Iterable<Socket> sockets) {
        int line = skipLine(text, 0, length); // the header
        long[] fields = new long[13];
        while (line < length) {
            int end = skipLine(text, line, length);
            if (parse(text, line, end, fields) && fields[9] >= 0 && fields[12] >= 0) {
                long inode = fields[9];
                int port = (int) (fields[1] & 0xFFFF);
                for (Socket socket : sockets) {
                    if (socket.inode != 0 ? socket.inode == inode : socket.port != 0 && socket.port == port) {
                        socket.lastDrops = fields[12];
                        socket.lastQueued = Math.max(0, fields[4]);
                    }
                }
            }
            line = end;
        }
    }

    /** Bytes queued at the sockets of the given inodes in one table's text: for tests. */
    static long queuedOf(String table, long... inodes) {
        long sum = 0;
        for (Socket socket : matched(table, inodes)) {
            sum += socket.lastQueued;
        }
        return sum;
    }

    /** Drops of the sockets of the given inodes in one table's text: for tests. */
    static long dropsOf(String table, long... inodes) {
        long sum = 0;
        for (Socket socket : matched(table, inodes)) {
            sum += socket.lastDrops;
        }
        return sum;
    }

    private static Socket[] matched(String table, long... inodes) {
        byte[] text = table.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Socket[] found = new Socket[inodes.length];
        for (int i = 0; i < inodes.length; i++) {
            found[i] = new Socket(inodes[i], 0);
        }
        match(text, text.length, java.util.List.of(found));
        return found;
    }

    private static int skipLine(byte[] text, int from, int length) {
        int i = from;
        while (i < length && text[i] != '\n') {
            i++;
        }
        return Math.min(length, i + 1);
    }

    /**
     * Splits one line into its whitespace-separated fields, keeping as numbers those the matching needs: field 1
     * (local address, the port after the colon, hex), 4 (tx_queue:rx_queue, the receive queue after the colon,
     * hex), 9 (inode, decimal) and 12 (drops, decimal). False for a line with fewer than 13 fields.
     */
    private static boolean parse(byte[] text, int from, int to, long[] fields) {
        int field = 0;
        int i = from;
        while (field < 13) {
            while (i < to && isSpace(text[i])) {
                i++;
            }
            if (i >= to) {
                return false;
            }
            int start = i;
            while (i < to && !isSpace(text[i])) {
                i++;
            }
            if (field == 1 || field == 4) {
                int colon = start;
                while (colon < i && text[colon] != ':') {
                    colon++;
                }
                fields[field] = number(text, colon + 1, i, 16);
            } else if (field == 9 || field == 12) {
                fields[field] = number(text, start, i, 10);
            }
            field++;
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static long number(byte[] text, int from, int to, int radix) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text[i], radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** The socket's inode from {@code /proc/self/fd/N} ({@code socket:[12345]}), or 0. */
    private static long inodeOf(Channel socket) {
        if (!(socket instanceof UnixChannel unix)) {
            return 0;
        }
        try {
            String link = Files.readSymbolicLink(FD_DIR.resolve(Integer.toString(unix.fd().intValue()))).toString();
            int open = link.indexOf('[');
            int close = link.indexOf(']');
            return link.startsWith("socket:") && open > 0 && close > open ? Long.parseLong(link.substring(open + 1, close)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
