package org.sipcity.stack.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams other threads (the workers' responses) send from one UDP socket: each is written on the socket's event
 * loop as a task, and only the last of the tasks queued there flushes, so that under load a run of responses leaves in
 * one {@code sendmmsg} instead of one {@code sendto} each (Netty's epoll datagram channel sends everything queued at a
 * flush with one call). Until 2026-11-26 every worker's response was a {@code writeAndFlush} of its own: at 8,000
 * REGISTER/s over UDP a third of the event loops' CPU samples were {@code sendto}. A lone response is flushed at once,
 * as before; a long run still flushes every {@value #WRITES_BEFORE_FORCED_FLUSH} writes. One per socket, kept as a
 * channel attribute: the flows of all peers of the socket share it, as they share its send queue.
 *
 * <p>The handed-over bytes count against the socket's high water mark from the moment they are handed over
 * ({@link #pendingBytes}), as Netty counts its own write tasks, so a sender faster than the loop still sees the socket
 * unwritable and drops (UDP's answer to a full queue) instead of queueing tasks without bound.
 */
final class DatagramHandOver {

    /** Writes after which a run of handed-over writes is flushed even though more are queued behind it. */
    static final int WRITES_BEFORE_FORCED_FLUSH = 16;
    private static final AttributeKey<DatagramHandOver> KEY = AttributeKey.valueOf(DatagramHandOver.class, "handOver");

    private final Channel channel;
    /** Writes handed to the event loop that have not run yet; the last one to run flushes. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Handed-over writes run since the last flush; event loop only. */
    private int unflushed;

    private DatagramHandOver(Channel channel) {
        this.channel = channel;
    }

    /** The hand-over of {@code channel}'s socket, made on first use. */
    static DatagramHandOver of(Channel channel) {
        DatagramHandOver handOver = channel.attr(KEY).get();
        if (handOver == null) {
            DatagramHandOver made = new DatagramHandOver(channel);
            handOver = channel.attr(KEY).setIfAbsent(made);
            if (handOver == null) {
                handOver = made;
            }
        }
        return handOver;
    }

    /** Bytes handed over and not yet written into the socket's queue. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Queues {@code packet} on the event loop; false (the packet released) when the loop no longer takes tasks. */
    boolean send(DatagramPacket packet) {
        long bytes = packet.content().readableBytes();
        pending.incrementAndGet();
        pendingBytes.addAndGet(bytes);
        try {
            channel.eventLoop().execute(() -> write(packet, bytes));
            return true;
        } catch (RejectedExecutionException stopped) {
            pending.decrementAndGet();
            pendingBytes.addAndGet(-bytes);
            packet.release();
            return false;
        }
    }

    private void write(DatagramPacket packet, long bytes) {
        channel.write(packet, channel.voidPromise());
        pendingBytes.addAndGet(-bytes);
        boolean last = pending.decrementAndGet() == 0;
        if (last || ++unflushed >= WRITES_BEFORE_FORCED_FLUSH) {
            unflushed = 0;
            channel.flush();
        }
    }
}
