package org.sipcity.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.transport.netty.SipStreamDecoder;

/**
 * Runs one open-loop REGISTER load ({@link RateFlow} per socket) and adds up what its flows saw. The sockets are
 * opened first, then all start offering at the same instant, so the connection set-up is not part of the rate.
 */
final class OfferedLoad {

    private static final Logger LOG = Logger.getLogger(OfferedLoad.class);
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);
    static final int DEFAULT_WRITE_QUEUE = 512 << 10;

    /** The figures of a run; rates are per second of the offered duration. */
    record Result(OfferedLoadSettings settings, long generated, long sent, long heldBack, long scheduleLost, long ok,
            long rejected503, long otherFinal, long timeouts, long late, long retransmissions, int connectionsClosed,
            Histogram acceptedLatency, Histogram acceptedWrittenLatency, Histogram tailLatency, Histogram generatorLag) {

        double seconds() {
            return settings.duration().toNanos() / 1e9;
        }

        /** One line of key=value pairs, for scripts. */
        String line() {
            return String.format(Locale.ROOT, "transport=%s rate=%.0f seconds=%.1f generated=%d sent=%d achieved_per_s=%.0f "
                            + "held_back=%d schedule_lost=%d ok=%d goodput_per_s=%.0f rejected_503=%d other=%d timeouts=%d "
                            + "late=%d retransmissions=%d connections_closed=%d accepted_p50_us=%d accepted_p99_us=%d "
                            + "accepted_max_us=%d accepted_written_p50_us=%d accepted_written_p99_us=%d "
                            + "accepted_written_max_us=%d accepted_tail_p50_us=%d accepted_tail_p99_us=%d "
                            + "accepted_tail_count=%d socket_buffer=%d generator_lag_p50_us=%d generator_lag_p99_us=%d "
                            + "generator_lag_max_us=%d",
                    settings.udp() ? "udp" : "tcp", settings.rate(), seconds(), generated, sent, sent / seconds(),
                    heldBack, scheduleLost, ok, ok / seconds(), rejected503, otherFinal, timeouts, late, retransmissions,
                    connectionsClosed, micros(acceptedLatency, 50), micros(acceptedLatency, 99),
                    micros(acceptedLatency, 100), micros(acceptedWrittenLatency, 50),
                    micros(acceptedWrittenLatency, 99), micros(acceptedWrittenLatency, 100), micros(tailLatency, 50),
                    micros(tailLatency, 99), tailLatency.getTotalCount(), settings.socketBuffer(),
                    micros(generatorLag, 50), micros(generatorLag, 99), micros(generatorLag, 100));
        }

        private static long micros(Histogram latency, double percentile) {
            return latency.getTotalCount() == 0 ? 0 : percentile >= 100 ? latency.getMaxValue() / 1000
                    : latency.getValueAtPercentile(percentile) / 1000;
        }
    }

    private final OfferedLoadSettings settings;
    private final int threads;
    private final Duration warmup;
    private final double warmupRate;
    private final int writeQueue;
    private final int unsentLimit;

    OfferedLoad(OfferedLoadSettings settings, int threads) {
        this(settings, threads, Duration.ZERO, settings.rate());
    }

    OfferedLoad(OfferedLoadSettings settings, int threads, Duration warmup, double warmupRate) {
        this(settings, threads, warmup, warmupRate, DEFAULT_WRITE_QUEUE, 0);
    }

    /**
     * With a warm-up: {@code warmupRate} offered for {@code warmup} on sockets of its own before the measured load,
     * not counted, so that the measured load meets the generator's compiled code (each run is a new JVM: without
     * it, the first second of a run fell behind its schedule and a capacity step failed as "generator-limit").
     * Over TCP a due request is held back while more than {@code writeQueue} bytes wait in this process for the
     * connection (writable again below half of it), and with epoll the kernel keeps at most {@code unsentLimit}
     * bytes not yet sent (TCP_NOTSENT_LOWAT; 0: no limit).
     */
    OfferedLoad(OfferedLoadSettings settings, int threads, Duration warmup, double warmupRate, int writeQueue,
            int unsentLimit) {
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("--warmup must be 0-60 s, got " + warmup);
        }
        if (!warmup.isZero() && (warmupRate <= 0 || warmupRate > 1_000_000)) {
            throw new IllegalArgumentException("--warmup-rate must be above 0 and at most 1,000,000/s, got " + warmupRate);
        }
        if (writeQueue < 2048 || writeQueue > 64 << 20) {
            throw new IllegalArgumentException("--write-queue must be 2,048 B to 64 MiB, got " + writeQueue);
        }
        if (unsentLimit < 0) {
            throw new IllegalArgumentException("--unsent-limit must be 0 or more bytes, got " + unsentLimit);
        }
        this.settings = settings;
        this.writeQueue = writeQueue;
        this.unsentLimit = unsentLimit;
        this.threads = threads;
        this.warmup = warmup;
        this.warmupRate = warmupRate;
    }

    Result run() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        try {
            if (!warmup.isZero()) {
                OfferedLoadSettings w = settings;
                offer(group, epoll, new OfferedLoadSettings(w.target(), w.udp(), w.connections(), w.sources(), warmupRate,
                        warmup, w.responseTimeout(), w.domain(), w.userPattern(), w.users(), w.firstUser(), w.run() + "w",
                        w.socketBuffer()), false);
                // A marker for scripts that take their "before" figures once the measured load begins (overload.sh).
                System.err.println("warm-up ended");
            }
            return offer(group, epoll, settings, true);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * One phase on sockets of its own: the load of {@code phase}, then (measured) the answers to its last requests
     * or their timeouts and the figures, or (a warm-up) half a second for the answers and nothing counted.
     */
    private Result offer(EventLoopGroup group, boolean epoll, OfferedLoadSettings phase, boolean measured)
            throws InterruptedException {
        List<RateFlow> flows = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < phase.connections(); i++) {
                RateFlow flow = new RateFlow(phase, i, phase.rate() / phase.connections());
                InetSocketAddress source = new InetSocketAddress(phase.sources().get(i % phase.sources().size()), 0);
                Bootstrap bootstrap = bootstrap(group, epoll, flow);
                ChannelFuture open = phase.udp() ? bootstrap.bind(source) : bootstrap.connect(phase.target(), source);
                if (!open.awaitUninterruptibly(CONNECT_WAIT.toMillis()) || !open.isSuccess()) {
                    throw new IllegalStateException("Cannot " + (phase.udp() ? "bind " + source : "connect from "
                            + source.getAddress().getHostAddress() + " to " + phase.target()) + ": " + open.cause());
                }
                flows.add(flow);
                channels.add(open.channel());
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            for (int i = 0; i < flows.size(); i++) {
                RateFlow flow = flows.get(i);
                Channel channel = channels.get(i);
                channel.eventLoop().execute(() -> flow.start(channel, start));
            }
            long loadEnd = start + phase.duration().toNanos();
            sleepUntil(loadEnd);
            if (!measured) {
                sleepUntil(loadEnd + Math.min(phase.responseTimeout().toNanos(), TimeUnit.MILLISECONDS.toNanos(500)));
                for (int i = 0; i < flows.size(); i++) {
                    RateFlow flow = flows.get(i);
                    channels.get(i).eventLoop().execute(flow::finish); // stops its ticker
                }
                return null;
            }
            // A marker for scripts that time the server's recovery from the end of the load (overload.sh).
            System.err.println("offering ended");
            // Then the answers to the last requests, or their timeouts.
            sleepUntil(loadEnd + phase.responseTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(100));
            return collect(flows, channels);
        } finally {
            channels.forEach(Channel::close);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private Bootstrap bootstrap(EventLoopGroup group, boolean epoll, RateFlow flow) {
        Bootstrap bootstrap = new Bootstrap().group(group);
        if (settings.socketBuffer() > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, settings.socketBuffer())
                    .option(ChannelOption.SO_SNDBUF, settings.socketBuffer());
        }
        bootstrap.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(writeQueue / 2, writeQueue));
        if (settings.udp()) {
            return bootstrap.channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                    .handler(flow);
        }
        if (epoll && unsentLimit > 0) {
            bootstrap.option(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) unsentLimit);
        }
        return bootstrap.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new SipStreamDecoder(FramingConfig.defaults()), flow);
                    }
                });
    }

    /** Stops every flow on its event loop and adds up its figures (requests still unanswered have timed out). */
    private Result collect(List<RateFlow> flows, List<Channel> channels) throws InterruptedException {
        long generated = 0, sent = 0, heldBack = 0, scheduleLost = 0, ok = 0, rejected = 0, other = 0, timeouts = 0;
        long late = 0, retransmissions = 0;
        int closed = 0;
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram writtenLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram tailLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram generatorLag = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 0; i < flows.size(); i++) {
            RateFlow flow = flows.get(i);
            try {
                channels.get(i).eventLoop().submit(flow::finish).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf("Flow %d did not stop cleanly: %s", i, e);
            }
            generated += flow.generated;
            sent += flow.sent;
            heldBack += flow.heldBack;
            scheduleLost += flow.scheduleLost;
            ok += flow.ok;
            rejected += flow.rejected503;
            other += flow.otherFinal;
            timeouts += flow.timeouts;
            late += flow.late;
            retransmissions += flow.retransmissionsSent;
            closed += flow.closedByPeer ? 1 : 0;
            latency.add(flow.acceptedLatency);
            writtenLatency.add(flow.acceptedWrittenLatency);
            tailLatency.add(flow.tailLatency);
            generatorLag.add(flow.tickLateness);
        }
        return new Result(settings, generated, sent, heldBack, scheduleLost, ok, rejected, other, timeouts, late,
                retransmissions, closed, latency, writtenLatency, tailLatency, generatorLag);
    }
}
