package org.sipcity.stack.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannelConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import org.sipcity.stack.transport.netty.ConnectorRuntime;
import org.sipcity.stack.transport.netty.DatagramFlows;
import org.sipcity.stack.transport.netty.DatagramHandler;
import org.sipcity.stack.transport.netty.ReadBatchCountingAllocator;

/** A UDP connector: listening socket(s) and the flows of the remote addresses seen on them. */
final class DatagramConnector extends SipConnector {

    private static final Logger LOG = Logger.getLogger(DatagramConnector.class);

    private final DatagramFlows flows;
    private final Bootstrap bootstrap;

    DatagramConnector(SipTransports transports, ConnectorRuntime runtime) {
        super(transports, runtime);
        this.flows = new DatagramFlows(runtime);
        SipConnectorConfig config = runtime.config();
        int datagramSize = DatagramHandler.receiveBufferSize(config.framing().maxMessageSize());
        bootstrap = new Bootstrap()
                .group(transports.group())
                .channel(transports.datagramChannelType())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new ReadBatchCountingAllocator(
                        receiveAllocator(transports.nativeEpoll(), datagramSize), transports.readSaturation()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, datagramWaterMark(config))
                .handler(new DatagramHandler(runtime, flows));
        if (transports.nativeEpoll()) {
            // recvmmsg: each read fills the buffer's DATAGRAMS_PER_READ slots of datagramSize bytes at once.
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagramSize);
        }
        if (transports.nativeEpoll() && config.reusePort()) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        bootstrap.option(ChannelOption.SO_RCVBUF, receiveBufferSize(config));
        if (config.sendBufferSize() > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, config.sendBufferSize());
        }
    }

    /**
     * One UDP socket answers every peer, so the per-connection marks (64 KiB: about 160 answers) would drop answers
     * whenever a short stall of the event loop meets a few thousand requests a second; the peers' retransmissions then
     * double the load. The socket's queue is bounded by the write-queue limit instead (1 MiB by default: about 2,600
     * answers, half a second at 5,000/s), which a stream connection may also hold.
     */
    static WriteBufferWaterMark datagramWaterMark(SipConnectorConfig config) {
        int limit = config.writeQueueLimit();
        return new WriteBufferWaterMark(Math.max(config.writeBufferLowWaterMark(), limit / 2), limit);
    }

    /**
     * Epoll: one buffer of {@link DatagramHandler#DATAGRAMS_PER_READ} datagram slots per read (recvmmsg cuts it
     * into one slice per datagram); otherwise one datagram per read, up to that many reads per wake-up. (Set as an
     * option, the allocator does not take the channel's default of 16 messages per read, but 1.)
     */
    static FixedRecvByteBufAllocator receiveAllocator(boolean nativeEpoll, int datagramSize) {
        int perRead = DatagramHandler.DATAGRAMS_PER_READ;
        FixedRecvByteBufAllocator allocator = new FixedRecvByteBufAllocator(nativeEpoll ? datagramSize * perRead : datagramSize);
        allocator.maxMessagesPerRead(perRead);
        return allocator;
    }

    /**
     * The receive buffer a UDP socket asks for: the configured one, else {@link
     * SipConnectorConfig#DEFAULT_DATAGRAM_RECEIVE_BUFFER}. UDP has no flow control, so this buffer is all that carries
     * the requests arriving while the event loop is stalled; a datagram beyond it is dropped and retransmitted by the
     * client only after T1 (500 ms).
     */
    static int receiveBufferSize(SipConnectorConfig config) {
        return config.receiveBufferSize() > 0 ? config.receiveBufferSize() : SipConnectorConfig.DEFAULT_DATAGRAM_RECEIVE_BUFFER;
    }

    @Override
    ChannelFuture bindOne(InetSocketAddress address) {
        ChannelFuture bound = bootstrap.bind(address);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                warnIfReceiveBufferCapped(bound.channel());
                transports.datagramDrops().add(bound.channel());
            }
        });
        return bound;
    }

    /**
     * Linux silently caps SO_RCVBUF at {@code net.core.rmem_max} (and reports twice what it grants, for its
     * bookkeeping): say so once per socket, since a small buffer turns every short stall into lost requests.
     */
    private void warnIfReceiveBufferCapped(Channel socket) {
        int asked = receiveBufferSize(runtime.config());
        int granted = ((DatagramChannelConfig) socket.config()).getReceiveBufferSize();
        if (granted < asked) {
            LOG.warnf("SIP connector '%s': the UDP receive buffer is %d bytes, not the %d asked; the kernel caps it at"
                    + " net.core.rmem_max: raise that, or requests arriving during a stall of the event loop are dropped",
                    name(), granted, asked);
        }
    }

    @Override
    void closeIdleFlows(long nowMillis, long idleMillis) {
        flows.expire(nowMillis, idleMillis);
    }

    /** The flow for {@code remote} on this connector's socket; UDP has no connection to wait for. */
    @Override
    CompletableFuture<Flow> connectResolved(InetSocketAddress remote) {
        List<Channel> sockets = listeningChannels();
        if (sockets.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connector '" + name() + "' is stopped"));
        }
        Channel socket = sockets.get(Math.floorMod(remote.hashCode(), sockets.size()));
        return CompletableFuture.completedFuture(flows.flowFor(socket, remote));
    }

    @Override
    void closeFlows() {
        flows.closeAll();
    }
}
