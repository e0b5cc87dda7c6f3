package org.sipcity.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.transport.netty.SipStreamDecoder;

/**
 * The flows of one process on Netty's native epoll transport (NIO where epoll is unavailable). Each connection
 * binds one of the source addresses explicitly; with {@code IP_BIND_ADDRESS_NO_PORT} the kernel picks the source
 * port at connect time, per (source, target) pair, so each source address offers the whole ephemeral port range.
 */
public final class FlowPool implements Worker {

    private static final Logger LOG = Logger.getLogger(FlowPool.class);
    /** Connect failures logged one by one before the rest are only counted. */
    private static final int LOGGED_CONNECT_FAILURES = 5;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final FlowSettings settings;
    private final SipFlow[] flows;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final FlowCounters counters = new FlowCounters();
    private final SipMessageParser parser = new SipMessageParser();
    private final AtomicLong closedFlows = new AtomicLong();
    private final AtomicInteger connectFailuresLogged = new AtomicInteger();
    private volatile Semaphore probeCompletions = new Semaphore(0);
    private volatile boolean closing;
    private int opened;

    /**
     * @param maxFlows  the most connections this pool ever opens (bounded by the process's open-file limit)
     * @param ioThreads event loops; one per core the generator may use
     */
    public FlowPool(FlowSettings settings, int maxFlows, int ioThreads) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be positive: " + maxFlows);
        }
        this.settings = settings;
        this.flows = new SipFlow[maxFlows];
        boolean epoll = Epoll.isAvailable();
        this.group = epoll ? new EpollEventLoopGroup(ioThreads) : new NioEventLoopGroup(ioThreads);
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.responseTimeout().toMillis());
        if (epoll) {
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        } else {
            LOG.warnf("Native epoll unavailable (%s): NIO, and each source address limited to bind()'s port range",
                    Epoll.unavailabilityCause());
        }
    }

    FlowSettings settings() {
        return settings;
    }

    FlowCounters counters() {
        return counters;
    }

    SipMessageParser parser() {
        return parser;
    }

    boolean isClosing() {
        return closing;
    }

    void flowClosed() {
        closedFlows.incrementAndGet();
    }

    /** A probe was answered, failed, or was skipped (its flow busy or gone). */
    void probeDone() {
        probeCompletions.release();
    }

    @Override
    public WorkerSnapshot grow(int target, Instant deadline) {
        int goal = Math.min(target, flows.length);
        Semaphore setupSlots = new Semaphore(settings.setupConcurrency());
        List<CompletableFuture<Boolean>> registrations = new ArrayList<>(Math.max(0, goal - opened));
        List<InetAddress> sources = settings.sources();
        while (opened < goal && !closing) {
            if (!acquire(setupSlots, deadline)) {
                LOG.warnf("Deadline reached after opening %d of %d connections", opened, goal);
                break;
            }
            int index = opened++;
            SipFlow flow = new SipFlow(this, settings.firstUser() + index);
            flows[index] = flow;
            flow.registration().whenComplete((registered, error) -> setupSlots.release());
            registrations.add(flow.registration());
            InetSocketAddress source = new InetSocketAddress(sources.get(index % sources.size()), 0);
            ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(SipStreamDecoder.forConnectingEnd(FramingConfig.defaults()), flow);
                }
            }).connect(settings.target(), source);
            connect.addListener(done -> {
                if (!done.isSuccess()) {
                    connectFailed(source, done.cause());
                    flow.registration().complete(false);
                }
            });
        }
        await(CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new)), deadline);
        return snapshot();
    }

    @Override
    public WorkerSnapshot shrink(int target, Instant deadline) {
        int keep = Math.max(0, Math.min(target, opened));
        // at most setupConcurrency removals in flight, as registrations are grown: a burst of thousands of
        // REGISTERs at once would measure the server's valve, not the flows
        Semaphore slots = new Semaphore(settings.setupConcurrency());
        List<CompletableFuture<Boolean>> removals = new ArrayList<>(opened - keep);
        for (int i = opened - 1; i >= keep; i--) {
            SipFlow flow = flows[i];
            flows[i] = null;
            if (flow == null) {
                continue;
            }
            if (!acquire(slots, deadline)) {
                LOG.warnf("Deadline reached while removing flows; %d left to remove", i - keep + 1);
                flow.close();
                continue;
            }
            CompletableFuture<Boolean> removal = flow.remove();
            removal.whenComplete((removed, error) -> slots.release());
            removals.add(removal);
        }
        opened = keep;
        await(CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)), deadline);
        return snapshot();
    }

    private void connectFailed(InetSocketAddress source, Throwable cause) {
        counters.connectFailures.increment();
        if (connectFailuresLogged.getAndIncrement() < LOGGED_CONNECT_FAILURES) {
            LOG.warnf("Connect from %s to %s failed: %s", source.getAddress().getHostAddress(), settings.target(), cause);
        }
    }

    @Override
    public WorkerSnapshot probe(ProbeMethod method, int probes, double perSecond, Instant deadline) {
        List<SipFlow> registered = new ArrayList<>(opened);
        for (int i = 0; i < opened; i++) {
            if (flows[i] != null && flows[i].isRegistered()) {
                registered.add(flows[i]);
            }
        }
        if (registered.isEmpty() || probes <= 0) {
            return snapshot();
        }
        Semaphore completions = new Semaphore(0);
        probeCompletions = completions;
        long spacing = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        long start = System.nanoTime();
        int issued = 0;
        for (; issued < probes && Instant.now().isBefore(deadline); issued++) {
            long due = start + issued * spacing;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            registered.get(ThreadLocalRandom.current().nextInt(registered.size())).probe(method);
        }
        Instant answersDue = Instant.now().plus(settings.responseTimeout()).plusSeconds(1);
        acquire(completions, issued, answersDue.isBefore(deadline) ? answersDue : deadline);
        return snapshot();
    }

    @Override
    public WorkerSnapshot hold(Duration duration, Instant deadline) {
        Instant until = Instant.now().plus(duration);
        sleepUntil(until.isBefore(deadline) ? until : deadline);
        return snapshot();
    }

    WorkerSnapshot snapshot() {
        return counters.snapshot(counters.connected.sum() - closedFlows.get());
    }

    @Override
    public void close() {
        closing = true;
        for (int i = 0; i < opened; i++) {
            SipFlow flow = flows[i];
            if (flow != null) {
                flow.close();
            }
        }
        group.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_WAIT.toMillis() * 2);
    }

    private static boolean acquire(Semaphore semaphore, Instant deadline) {
        return acquire(semaphore, 1, deadline);
    }

    private static boolean acquire(Semaphore semaphore, int permits, Instant deadline) {
        try {
            return semaphore.tryAcquire(permits, Math.max(0, Duration.between(Instant.now(), deadline).toNanos()),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void await(CompletableFuture<?> future, Instant deadline) {
        try {
            future.get(Math.max(0, Duration.between(Instant.now(), deadline).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("Deadline reached with registrations still outstanding");
        } catch (ExecutionException e) {
            throw new IllegalStateException("A registration future failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(Instant until) {
        long nanos = Duration.between(Instant.now(), until).toNanos();
        while (nanos > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(nanos);
            nanos = Duration.between(Instant.now(), until).toNanos();
        }
    }
}
