package org.sipcity.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingError;

/**
 * One socket of an open-loop REGISTER load: sends its share of the offered rate on a fixed schedule whatever the
 * server answers (a 503 does not slow it down, unlike a closed-loop client), and sorts the answers into 200, 503,
 * other final responses and timeouts. Everything runs on the channel's event loop.
 *
 * <p>Each request is a pure function of this flow's sequence number, so the outstanding ones are kept as send times
 * in a ring indexed by it, and expiry, UDP retransmission (RFC 3261 §17.1.2.2 Timer E: T1, then doubling) and the
 * timeout each walk the ring with their own cursor: every request is visited a bounded number of times, at any
 * rate. Over TCP, a request due while the connection is not writable (the server has stopped reading: TCP flow
 * control) is not sent and is counted as held back; the achieved offered rate then falls short of the asked one.
 *
 * <p>An accepted request's latency is taken on two clocks. From its <em>intended</em> send time (the schedule, so
 * that a late tick or a request queued in this process counts: no coordinated omission), which includes what waits
 * in this process's write queue and in its kernel send buffer before the server reads it; and from the moment the
 * kernel <em>accepted the write</em> (the write's promise completed; over UDP, the flush that sent it), which leaves
 * out this process's own queue. With a small {@code --socket-buffer} the second is close to what the server and its
 * receive buffer add.
 */
final class RateFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(RateFlow.class);
    private static final long T1_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** At most this much of the schedule is caught up in one tick after the loop ran late; the rest is lost. */
    private static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The end of the load whose latency {@link #tailLatency} keeps. */
    static final long TAIL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final byte[] BRANCH_MARK = ";branch=z9hG4bK-ol".getBytes(StandardCharsets.US_ASCII);

    private final OfferedLoadSettings settings;
    private final int index;
    private final double perSecond;
    private final long[] sentAt;
    private final byte[] retransmissions;
    private final int mask;
    /** User names by index, formatted once each (String.format per request would cost more than the rest of it). */
    private final String[] userNames;
    /** When the kernel accepted each outstanding request's bytes, 0 while not yet; indexed like {@link #sentAt}. */
    private final long[] writtenAt;
    /** From the intended send time. */
    final Histogram acceptedLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    /** From the moment the kernel accepted the write. */
    final Histogram acceptedWrittenLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    /**
     * From the intended send time, for requests scheduled in the last {@link #TAIL_NANOS} of the load only: a server
     * that keeps up answers them as fast as the rest, one that falls behind shows its backlog here (the whole-run
     * figures mix it with the start, when there was none).
     */
    final Histogram tailLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    /**
     * How late this flow's ticks ran on its event loop during the load (each against its place in the fixed-rate
     * schedule): the generator's own lateness, which a late read of the answers adds to both latency clocks. A
     * written-clock p99 near this figure says the generator, not the server, held the answers.
     */
    final Histogram tickLateness = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private long ticks;

    private Channel channel;
    private String via;
    private String contactHost;
    private long startNanos;
    private long stopNanos;
    private long next;          // sequence number of the next request
    private long expired;       // requests below it are answered or timed out
    private final long[] retransmitted; // UDP, per retransmission k: requests below it have had the k-th considered
    private ScheduledFuture<?> ticker;

    // figures, read once the flow has finished
    long generated;
    long sent;
    long heldBack;
    long scheduleLost;
    long ok;
    long rejected503;
    long otherFinal;
    long timeouts;
    long late;
    long retransmissionsSent;
    boolean closedByPeer;

    RateFlow(OfferedLoadSettings settings, int index, double perSecond) {
        this.settings = settings;
        this.index = index;
        this.perSecond = perSecond;
        long outstanding = (long) (perSecond * (settings.responseTimeout().toNanos() / 1e9 + 1)) + 1024;
        int size = Integer.highestOneBit((int) Math.min(1 << 24, outstanding * 2 - 1));
        this.sentAt = new long[size];
        this.writtenAt = new long[size];
        this.retransmissions = new byte[size];
        this.mask = size - 1;
        this.userNames = new String[settings.users()];
        int stages = 0;
        while (settings.udp() && T1_NANOS * ((1L << (stages + 1)) - 1) < settings.responseTimeout().toNanos()) {
            stages++;
        }
        this.retransmitted = new long[stages];
    }

    /** Starts sending on the channel's event loop at {@code startNanos} and stops offering after the duration. */
    void start(Channel channel, long startNanos) {
        this.channel = channel;
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        this.contactHost = local.getAddress().getHostAddress();
        this.via = "SIP/2.0/" + (settings.udp() ? "UDP " : "TCP ") + contactHost + ":" + local.getPort();
        this.startNanos = startNanos;
        this.stopNanos = startNanos + settings.duration().toNanos();
        ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, Math.max(0, startNanos - System.nanoTime()),
                TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Stops the flow: whatever is still unanswered has timed out (called after the load and the timeout). */
    void finish() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        long now = System.nanoTime();
        expire(now, false);
        while (expired < next) {
            expire(now, true);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long scheduled = startNanos + ticks++ * TICK_NANOS;
        if (scheduled < stopNanos) {
            tickLateness.recordValue(Math.max(0, Math.min(now - scheduled, tickLateness.getHighestTrackableValue())));
        }
        // Up to the end of the load, even when this tick comes late after it: the schedule is the whole duration.
        long due = (long) ((Math.min(now, stopNanos) - startNanos) / 1e9 * perSecond);
        if (due > generated) {
            long behind = due - generated;
            long catchUp = (long) (MAX_CATCH_UP_NANOS / 1e9 * perSecond) + 1;
            if (behind > catchUp) {
                scheduleLost += behind - catchUp;
                generated += behind - catchUp;
                behind = catchUp;
            }
            long firstSent = next;
            for (long i = 0; i < behind; i++) {
                // The schedule's time for this request, not this tick's: a tick that ran late does not hide it.
                long intended = startNanos + (long) (generated / perSecond * 1e9);
                generated++;
                if (!settings.udp() && !channel.isWritable()) {
                    heldBack++;
                    continue;
                }
                send(next, now);
                sentAt[(int) (next & mask)] = Math.max(1, intended);
                writtenAt[(int) (next & mask)] = 0;
                retransmissions[(int) (next & mask)] = 0;
                next++;
                sent++;
                if (next - expired > mask) {
                    expire(now, true); // the ring is full: its oldest request is given up
                }
            }
            if (next > firstSent && !settings.udp()) {
                // Written after this tick's requests, so its promise completes once the kernel took all of their bytes.
                long from = firstSent;
                long to = next;
                ChannelPromise written = channel.newPromise();
                channel.write(Unpooled.EMPTY_BUFFER, written);
                written.addListener(f -> stampWritten(from, to, System.nanoTime()));
            } else if (next > firstSent) {
                udpSentFrom = Math.min(udpSentFrom, firstSent);
            }
        }
        if (settings.udp()) {
            retransmit(now);
        }
        expire(now, false);
        channel.flush();
        if (udpSentFrom < next) {
            stampWritten(udpSentFrom, next, System.nanoTime()); // a datagram channel sends in the flush
            udpSentFrom = Long.MAX_VALUE;
        }
    }

    private long udpSentFrom = Long.MAX_VALUE;

    /** Requests {@code from} (inclusive) to {@code to}, still outstanding, were accepted by the kernel at {@code when}. */
    private void stampWritten(long from, long to, long when) {
        for (long seq = Math.max(from, expired); seq < to; seq++) {
            int slot = (int) (seq & mask);
            if (sentAt[slot] != 0 && writtenAt[slot] == 0) {
                writtenAt[slot] = when;
            }
        }
    }

    /** Advances the expiry cursor over answered requests and those unanswered past the timeout. */
    private void expire(long now, boolean force) {
        long timeout = settings.responseTimeout().toNanos();
        while (expired < next) {
            int slot = (int) (expired & mask);
            long at = sentAt[slot];
            if (at != 0) {
                if (now - at < timeout && !force) {
                    break;
                }
                timeouts++;
                sentAt[slot] = 0;
                force = false;
            }
            expired++;
        }
    }

    /**
     * RFC 3261 Timer E: a request unanswered T1, 3 T1, 7 T1 ... after its first send is sent again, while that is
     * before the timeout. One cursor per retransmission: send times grow with the sequence number, so each cursor
     * only moves forward and visits each request once.
     */
    private void retransmit(long now) {
        for (int k = 0; k < retransmitted.length; k++) {
            long dueAge = T1_NANOS * ((1L << (k + 1)) - 1);
            long cursor = Math.max(retransmitted[k], expired);
            while (cursor < next) {
                int slot = (int) (cursor & mask);
                long at = sentAt[slot];
                if (at != 0) {
                    if (now - at < dueAge) {
                        break;
                    }
                    if (retransmissions[slot] == k) {
                        send(cursor, now);
                        retransmissions[slot] = (byte) (k + 1);
                        retransmissionsSent++;
                    }
                }
                cursor++;
            }
            retransmitted[k] = cursor;
        }
    }

    private void send(long seq, long now) {
        // A user always goes out on the same socket (so from the same source address): its binding is refreshed.
        int user = (int) ((index + seq * settings.connections()) % settings.users());
        String name = userNames[user];
        if (name == null) {
            name = String.format(settings.userPattern(), settings.firstUser() + user);
            userNames[user] = name;
        }
        String aor = "sip:" + name + "@" + settings.domain();
        String request = "REGISTER sip:" + settings.domain() + " SIP/2.0\r\n"
                + "Via: " + via + ";branch=z9hG4bK-ol" + index + "." + Long.toHexString(seq) + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor + ">;tag=ol" + Long.toHexString(seq) + "\r\n"
                + "To: <" + aor + ">\r\n"
                + "Call-ID: ol" + settings.run() + "." + index + "." + Long.toHexString(seq) + "@" + contactHost + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + name + "@" + contactHost + ";transport=" + (settings.udp() ? "udp" : "tcp") + ">\r\n"
                + "Expires: 3600\r\n"
                + "Content-Length: 0\r\n\r\n";
        ByteBuf out = channel.alloc().buffer(request.length());
        ByteBufUtil.writeAscii(out, request);
        channel.write(settings.udp() ? new DatagramPacket(out, settings.target()) : out, channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            ByteBuf frame = msg instanceof DatagramPacket packet ? packet.content() : msg instanceof ByteBuf b ? b : null;
            if (frame != null) {
                onResponse(frame);
            } else if (msg instanceof FramingError error) {
                LOG.warnf("Connection %d: the server's stream cannot be framed (%d %s); closing", index,
                        error.statusCode(), error.reasonPhrase());
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Reads the status code and this flow's sequence number from the top Via's branch; nothing else is parsed. */
    private void onResponse(ByteBuf frame) {
        int start = frame.readerIndex();
        if (frame.readableBytes() < 12 || frame.getByte(start) != 'S' || frame.getByte(start + 7) != ' ') {
            return; // not a response (this client offers no service)
        }
        int status = (frame.getByte(start + 8) - '0') * 100 + (frame.getByte(start + 9) - '0') * 10 + frame.getByte(start + 10) - '0';
        if (status < 200) {
            return;
        }
        int mark = indexOf(frame, BRANCH_MARK);
        if (mark < 0) {
            return;
        }
        int dot = frame.indexOf(mark + BRANCH_MARK.length, frame.writerIndex(), (byte) '.');
        if (dot < 0) {
            return;
        }
        long seq = 0;
        for (int i = dot + 1; i < frame.writerIndex(); i++) {
            int digit = Character.digit(frame.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            seq = (seq << 4) | digit;
        }
        int slot = (int) (seq & mask);
        if (seq < expired || seq >= next || sentAt[slot] == 0) {
            late++; // after its timeout, or the answer to a retransmission already answered
            return;
        }
        long now = System.nanoTime();
        long intended = sentAt[slot];
        long elapsed = now - intended;
        long written = writtenAt[slot];
        sentAt[slot] = 0;
        if (status == 200) {
            ok++;
            acceptedLatency.recordValue(Math.max(0, Math.min(elapsed, acceptedLatency.getHighestTrackableValue())));
            if (intended >= stopNanos - TAIL_NANOS) {
                tailLatency.recordValue(Math.max(0, Math.min(elapsed, tailLatency.getHighestTrackableValue())));
            }
            // Not yet stamped only if the answer overtook the write's completion: then no time passed since the write.
            long sinceWrite = written == 0 ? 0 : now - written;
            acceptedWrittenLatency.recordValue(Math.max(0, Math.min(sinceWrite,
                    acceptedWrittenLatency.getHighestTrackableValue())));
        } else if (status == 503) {
            rejected503++;
        } else {
            otherFinal++;
        }
    }

    private static int indexOf(ByteBuf haystack, byte[] needle) {
        int end = haystack.writerIndex() - needle.length;
        outer:
        for (int i = haystack.readerIndex(); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closedByPeer = true;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
