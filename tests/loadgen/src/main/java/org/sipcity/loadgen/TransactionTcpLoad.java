package org.sipcity.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.transport.netty.SipStreamDecoder;

/**
 * Transaction TCP, open loop: every REGISTER on a connection of its own, opened at the request's scheduled time,
 * closed by this client as soon as the final answer is read, as a UA without a persistent flow does (RFC 3261
 * §18: a client may close a connection it opened once the transaction is done).
 *
 * <p><b>Who closes first.</b> The client closes first, with an ordinary FIN (no {@code SO_LINGER 0} reset, which
 * would skip TIME_WAIT and so hide the very cost being measured): the TIME_WAIT state then sits on the client's
 * (source address, source port) pairs, as with real phones, and the server's side goes through CLOSE_WAIT and
 * LAST_ACK to CLOSED without holding a port. The server is expected to close its side on the FIN and never before
 * its answer: a connection that ends before the final answer is counted ({@code closed_early}).
 *
 * <p><b>Why it does not stall in TIME_WAIT.</b> Each connection binds one of the source addresses in turn with
 * {@code IP_BIND_ADDRESS_NO_PORT}, so the kernel picks the source port in {@code connect()}, per (source, target)
 * pair, over the whole ephemeral range, and may reuse a port whose TIME_WAIT is older than a second when
 * {@code net.ipv4.tcp_tw_reuse} allows it (its default, 2, allows it on loopback). A client that binds port 0
 * before connecting (SIPp {@code -t tn}) is confined to ports without a TIME_WAIT socket: a range of 28,232 ports
 * in a 60 s TIME_WAIT gives it about 470 connections per second per source address.
 *
 * <p>Counts: answered 200, 503, other final answers, connect failures (refused, no port left, connect timeout),
 * connections ended before their final answer, timeouts (no final answer {@code responseTimeout} after the
 * connect began; the connection is then closed), requests not started because {@code maxOpen} connections were
 * already open ({@code held_back}: bounds the process's sockets under its open-file limit) or because the
 * generator fell behind its own schedule by more than 250 ms ({@code schedule_lost}). Latency of each 200 from the
 * start of the connect (so the handshake is in it, as a transaction-TCP client sees it), and of the connect alone.
 */
final class TransactionTcpLoad {

    private static final Logger LOG = Logger.getLogger(TransactionTcpLoad.class);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Connect failures logged one by one before the rest are only counted. */
    private static final int LOGGED_FAILURES = 5;

    /** The figures of a run; rates are per second of the offered duration. */
    record Result(OfferedLoadSettings settings, long generated, long started, long heldBack, long scheduleLost,
            long connected, long connectFailures, long ok, long rejected503, long otherFinal, long timeouts,
            long closedEarly, int maxOpen, int openAtEnd, Histogram acceptedLatency, Histogram connectLatency) {

        double seconds() {
            return settings.duration().toNanos() / 1e9;
        }

        /** Every request due was started, connected and answered 200. */
        boolean clean() {
            return generated > 0 && ok == generated && heldBack + scheduleLost + connectFailures + rejected503
                    + otherFinal + timeouts + closedEarly == 0;
        }

        /** One line of key=value pairs, for scripts; the first keys are those of the persistent modes' line. */
        String line() {
            return String.format(Locale.ROOT, "transport=tcp-tn rate=%.0f seconds=%.1f generated=%d sent=%d "
                            + "achieved_per_s=%.0f held_back=%d schedule_lost=%d ok=%d goodput_per_s=%.0f "
                            + "rejected_503=%d other=%d timeouts=%d late=0 retransmissions=0 connections_closed=%d "
                            + "accepted_p50_us=%d accepted_p99_us=%d accepted_max_us=%d connected=%d "
                            + "connect_failures=%d closed_early=%d max_open=%d open_at_end=%d connect_p50_us=%d "
                            + "connect_p99_us=%d connect_max_us=%d",
                    settings.rate(), seconds(), generated, started, started / seconds(), heldBack, scheduleLost, ok,
                    ok / seconds(), rejected503, otherFinal, timeouts, closedEarly, micros(acceptedLatency, 50),
                    micros(acceptedLatency, 99), micros(acceptedLatency, 100), connected, connectFailures,
                    closedEarly, maxOpen, openAtEnd, micros(connectLatency, 50), micros(connectLatency, 99),
                    micros(connectLatency, 100));
        }

        private static long micros(Histogram histogram, double percentile) {
            if (histogram.getTotalCount() == 0) {
                return 0;
            }
            return (percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile)) / 1000;
        }
    }

    private final OfferedLoadSettings settings;
    private final int threads;
    private final int maxOpen;
    private final Duration warmup;
    private final AtomicInteger failuresLogged = new AtomicInteger();
    /** User names by index, formatted once each. */
    private final String[] userNames;

    /**
     * @param maxOpen the most connections open at once (each holds a file descriptor of this process); a request
     *                due while that many are open is held back, not started
     * @param warmup  offered first at the same rate and not counted, so that the measured load meets compiled code
     *                on both sides (each step of a benchmark is a new JVM); zero for none
     */
    TransactionTcpLoad(OfferedLoadSettings settings, int threads, int maxOpen, Duration warmup) {
        if (settings.udp()) {
            throw new IllegalArgumentException("transaction TCP is a TCP mode");
        }
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be positive, got " + maxOpen);
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("warm-up must be 0-60 s, got " + warmup);
        }
        this.settings = settings;
        this.threads = threads;
        this.maxOpen = maxOpen;
        this.warmup = warmup;
        this.userNames = new String[settings.users()];
    }

    Result run() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        if (!epoll) {
            LOG.warnf("Native epoll unavailable (%s): NIO, and each source address limited to bind()'s ports",
                    Epoll.unavailabilityCause());
        }
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        try {
            if (!warmup.isZero()) {
                new Phase(group, epoll, warmup, 0).offer();
            }
            // A sequence offset keeps the measured phase's Call-IDs and branches apart from the warm-up's.
            Phase measured = new Phase(group, epoll, settings.duration(), 1L << 40);
            measured.offer();
            return measured.result();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    /** One open-loop load at the settings' rate for a duration, with its own figures. */
    private final class Phase {
        private final EventLoopGroup group;
        private final boolean epoll;
        private final Duration duration;
        private final long firstSeq;

        private final LongAdder connected = new LongAdder();
        private final LongAdder connectFailures = new LongAdder();
        private final LongAdder ok = new LongAdder();
        private final LongAdder rejected503 = new LongAdder();
        private final LongAdder otherFinal = new LongAdder();
        private final LongAdder timeouts = new LongAdder();
        private final LongAdder closedEarly = new LongAdder();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger maxOpenSeen = new AtomicInteger();
        private final Recorder acceptedLatency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        private final Recorder connectLatency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

        // the schedule, touched only by the ticking event loop
        private long startNanos;
        private long stopNanos;
        private long generated;
        private long started;
        private long heldBack;
        private long scheduleLost;
        private boolean offering;
        private int openAtEnd;

        Phase(EventLoopGroup group, boolean epoll, Duration duration, long firstSeq) {
            this.group = group;
            this.epoll = epoll;
            this.duration = duration;
            this.firstSeq = firstSeq;
        }

        /** Offers the load, then waits (bounded) until every exchange has ended by its answer, failure or timeout. */
        void offer() throws InterruptedException {
            EventLoop ticking = group.next();
            startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            stopNanos = startNanos + duration.toNanos();
            ticking.submit(() -> offering = true).awaitUninterruptibly(5, TimeUnit.SECONDS);
            ScheduledFuture<?> ticker = ticking.scheduleAtFixedRate(this::tick, startNanos - System.nanoTime(),
                    TICK_NANOS, TimeUnit.NANOSECONDS);
            sleepUntil(stopNanos);
            ticking.submit(() -> {
                ticker.cancel(false);
                tick(); // the last requests due
                offering = false;
            }).awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (firstSeq > 0) {
                System.err.println("offering ended");
            }
            long deadline = System.nanoTime() + settings.responseTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
            while (open.get() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            openAtEnd = open.get();
        }

        Result result() {
            return new Result(settings, generated, started, heldBack, scheduleLost, connected.sum(),
                    connectFailures.sum(), ok.sum(), rejected503.sum(), otherFinal.sum(), timeouts.sum(),
                    closedEarly.sum(), maxOpenSeen.get(), openAtEnd, acceptedLatency.getIntervalHistogram(),
                    connectLatency.getIntervalHistogram());
        }

        /** Starts the connections due by now (up to the end of the load), on the ticking event loop. */
        private void tick() {
            if (!offering) {
                return;
            }
            long now = System.nanoTime();
            long due = (long) ((Math.min(now, stopNanos) - startNanos) / 1e9 * settings.rate());
            long behind = due - generated;
            if (behind <= 0) {
                return;
            }
            long catchUp = (long) (MAX_CATCH_UP_NANOS / 1e9 * settings.rate()) + 1;
            if (behind > catchUp) {
                scheduleLost += behind - catchUp;
                generated += behind - catchUp;
                behind = catchUp;
            }
            for (long i = 0; i < behind; i++) {
                long seq = firstSeq + generated++;
                int nowOpen = open.incrementAndGet();
                if (nowOpen > maxOpen) {
                    open.decrementAndGet();
                    heldBack++;
                    continue;
                }
                maxOpenSeen.accumulateAndGet(nowOpen, Math::max);
                started++;
                start(seq);
            }
        }

        /**
         * A channel made directly rather than through a {@code Bootstrap} (no reflection, option map or resolver
         * per connection), registered with the next event loop, which then binds the source address (port left to
         * {@code connect()} by {@code IP_BIND_ADDRESS_NO_PORT}) and connects.
         */
        private void start(long seq) {
            InetAddress source = settings.sources().get((int) (seq % settings.sources().size()));
            Exchange exchange = new Exchange(this, seq, System.nanoTime());
            Channel channel = epoll ? new EpollSocketChannel() : new NioSocketChannel();
            channel.config().setOption(ChannelOption.TCP_NODELAY, true);
            channel.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.responseTimeout().toMillis());
            if (epoll) {
                channel.config().setOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
            }
            channel.pipeline().addLast(new SipStreamDecoder(FramingConfig.defaults()), exchange);
            group.next().register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    connectFailed(exchange, source, registered.cause());
                    return;
                }
                channel.connect(settings.target(), new InetSocketAddress(source, 0)).addListener(done -> {
                    if (done.isSuccess()) {
                        channel.closeFuture().addListener(closed -> {
                            exchange.closed();
                            open.decrementAndGet();
                        });
                    } else {
                        connectFailed(exchange, source, done.cause());
                        channel.close();
                    }
                });
            });
        }

        private void connectFailed(Exchange exchange, InetAddress source, Throwable cause) {
            connectFailures.increment();
            if (failuresLogged.incrementAndGet() <= LOGGED_FAILURES) {
                LOG.warnf("Connect from %s to %s failed: %s", source.getHostAddress(), settings.target(), cause);
            }
            exchange.finish();
            open.decrementAndGet();
        }
    }

    private String request(long seq, InetSocketAddress local) {
        // The sources and users are both taken in turn: with users a multiple of the sources (20,000 and 2-40 sources)
        // a user always comes from the same source address, so its binding is refreshed rather than added.
        int user = (int) (seq % settings.users());
        String name = userNames[user];
        if (name == null) {
            name = String.format(settings.userPattern(), settings.firstUser() + user);
            userNames[user] = name;
        }
        String host = local.getAddress().getHostAddress();
        String aor = "sip:" + name + "@" + settings.domain();
        return "REGISTER sip:" + settings.domain() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + host + ":" + local.getPort() + ";branch=z9hG4bK-tn" + Long.toHexString(seq)
                + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor + ">;tag=tn" + Long.toHexString(seq) + "\r\n"
                + "To: <" + aor + ">\r\n"
                + "Call-ID: tn" + settings.run() + "." + Long.toHexString(seq) + "@" + host + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + name + "@" + host + ";transport=tcp>\r\n"
                + "Expires: 3600\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /**
     * One REGISTER on its own connection: sent once connected, the connection closed by this side on the final
     * answer or at the timeout. Runs on its channel's event loop, except {@link #finish} after a failed connect.
     */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final Phase phase;
        private final long seq;
        private final long connectStart;
        private boolean done;
        private ScheduledFuture<?> timeout;

        Exchange(Phase phase, long seq, long connectStart) {
            this.phase = phase;
            this.seq = seq;
            this.connectStart = connectStart;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            phase.connected.increment();
            phase.connectLatency.recordValue(Math.min(System.nanoTime() - connectStart, TimeUnit.SECONDS.toNanos(60)));
            long left = settings.responseTimeout().toNanos() - (System.nanoTime() - connectStart);
            timeout = ctx.executor().schedule(() -> {
                if (!done) {
                    done = true;
                    phase.timeouts.increment();
                    ctx.close();
                }
            }, Math.max(0, left), TimeUnit.NANOSECONDS);
            String request = request(seq, (InetSocketAddress) ctx.channel().localAddress());
            ByteBuf out = ctx.alloc().buffer(request.length());
            ByteBufUtil.writeAscii(out, request);
            ctx.writeAndFlush(out, ctx.voidPromise());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf frame) {
                    onResponse(ctx, frame);
                } else if (msg instanceof FramingError error) {
                    LOG.warnf("Connection %d: the server's stream cannot be framed (%d %s); closing", seq,
                            error.statusCode(), error.reasonPhrase());
                    finishAs(ctx, phase.otherFinal);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onResponse(ChannelHandlerContext ctx, ByteBuf frame) {
            int at = frame.readerIndex();
            if (done || frame.readableBytes() < 12 || frame.getByte(at) != 'S' || frame.getByte(at + 7) != ' ') {
                return; // a CRLF keep-alive, or not a response: this client offers no service
            }
            int status = (frame.getByte(at + 8) - '0') * 100 + (frame.getByte(at + 9) - '0') * 10
                    + frame.getByte(at + 10) - '0';
            if (status < 200) {
                return;
            }
            if (status == 200) {
                phase.acceptedLatency.recordValue(Math.min(System.nanoTime() - connectStart, TimeUnit.SECONDS.toNanos(60)));
                finishAs(ctx, phase.ok);
            } else {
                finishAs(ctx, status == 503 ? phase.rejected503 : phase.otherFinal);
            }
        }

        /** The final answer: counted, then this side closes first (FIN, never a reset). */
        private void finishAs(ChannelHandlerContext ctx, LongAdder counter) {
            done = true;
            counter.increment();
            if (timeout != null) {
                timeout.cancel(false);
            }
            ctx.close();
        }

        /** The connect failed: nothing else will happen to this exchange. */
        void finish() {
            done = true;
        }

        /** The connection is closed: before the final answer (and not by our timeout) it ended early. */
        void closed() {
            if (!done) {
                done = true;
                phase.closedEarly.increment();
                if (timeout != null) {
                    timeout.cancel(false);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
