package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.FlowIds;
import org.sipcity.stack.transport.TransportMetrics;
import org.sipcity.stack.transport.TransportType;

/**
 * A UDP flow: one remote address as seen on one listening socket (RFC 5626 §3.3). Sending writes a
 * datagram from that socket, so the reply leaves from the address and port the peer sent to (RFC 3261
 * §18.2.2, needed for NAT traversal, RFC 3581). Closing forgets the flow; the socket stays open.
 */
public final class DatagramFlow implements Flow {

    private String remoteHostAddress;

    private final String id = FlowIds.next(TransportType.UDP);
    private final String connectorName;
    private final Channel channel;
    private final InetSocketAddress remoteAddress;
    private final TransportMetrics metrics;
    private final DatagramFlows owner;
    private volatile long lastActivityMillis = System.currentTimeMillis();
    private volatile boolean closed;

    DatagramFlow(String connectorName, Channel channel, InetSocketAddress remoteAddress, TransportMetrics metrics,
            DatagramFlows owner) {
        // owner is null for an untracked flow (table full): it is in no table and only serves one exchange
        this.connectorName = connectorName;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.metrics = metrics;
        this.owner = owner;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportType transport() {
        return TransportType.UDP;
    }

    @Override
    public String connectorName() {
        return connectorName;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Formatted once: the remote address of a flow does not change. A race formats twice to equal Strings. */
    @Override
    public String remoteHostAddress() {
        String text = remoteHostAddress;
        if (text == null) {
            remoteHostAddress = text = NetUtil.toAddressString(remoteAddress.getAddress());
        }
        return text;
    }

    @Override
    public boolean isOpen() {
        return !closed && channel.isActive();
    }

    /**
     * Sends one datagram. A socket that cannot take more (its queue above the high water mark) drops the
     * message, as the network would; UDP retransmissions recover it (RFC 3261 §17.1.1.2). Sent on the socket's
     * event loop while it delivers a read batch (an inline application's answers, the overload valve's 503s), the
     * datagram is queued without a flush and the batch's answers leave together at its end: one {@code sendmmsg}
     * with epoll instead of one {@code sendto} each. On loopback a {@code sendto} took 7.6 us of the 40 us a UDP
     * REGISTER cost, 37% of it waking the receiver; in batches the sends took 41% fewer samples, the waking 71% fewer
     * (tests/bench/README.md, "Session 12").
     */
    @Override
    public boolean send(ByteBuf message) {
        if (!isOpen() || !channel.isWritable()) {
            message.release();
            metrics.sendDropped();
            return false;
        }
        metrics.messageOut(message.readableBytes());
        DatagramPacket packet = new DatagramPacket(message, remoteAddress);
        if (DatagramHandler.inReadBatch(channel)) {
            channel.write(packet, channel.voidPromise());
        } else {
            channel.writeAndFlush(packet, channel.voidPromise());
        }
        return true;
    }

    @Override
    public boolean isWritable() {
        return isOpen() && channel.isWritable();
    }

    @Override
    public void close() {
        if (!closed && owner != null) {
            owner.remove(this);
        }
        closed = true;
    }

    @Override
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** The listening socket this flow sends from. */
    public Channel channel() {
        return channel;
    }

    void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Flow[" + id + " UDP " + channel.localAddress() + " <-> " + remoteAddress + "]";
    }
}
