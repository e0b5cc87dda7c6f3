package org.sipcity.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.framing.KeepAlive;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipParseException;

/**
 * One persistent flow: registers when connected (answering a digest challenge), then pings with CRLFCRLF and
 * refreshes its registration until closed; runs REGISTER or OPTIONS probes on demand. Everything runs on the
 * channel's event loop, so no field needs a lock. At most one request is outstanding per flow (RFC 3261 §10.2: a
 * UA does not send a new registration until it has the final response to the previous one).
 */
final class SipFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(SipFlow.class);
    /** RFC 5626 §4.4.1: the double CRLF a client sends as a keep-alive ping. */
    private static final ByteBuf PING = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());
    /** RFC 5626 §4.4.1: the single CRLF that answers a ping. */
    private static final ByteBuf PONG = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());
    /**
     * A request resent this many times (answering challenges or a 423) without success has failed: a second
     * challenge after fresh credentials means they are wrong.
     */
    private static final int MAX_RETRIES_PER_REQUEST = 3;

    private enum Purpose { SETUP, REFRESH, PROBE, REMOVE }

    private final FlowPool pool;
    private final int userIndex;
    private final CompletableFuture<Boolean> registration = new CompletableFuture<>();
    /** Completes once the connection is closed after {@link #remove()}: true if the server accepted the removal. */
    private final CompletableFuture<Boolean> removal = new CompletableFuture<>();
    /** Set on the event loop when removal starts: the close that follows is ours, not a dropped flow. */
    private boolean removing;
    private boolean removed;
    private volatile Channel channel;
    private FlowRequests requests;
    private DigestAnswer digest;

    // the outstanding request (a REGISTER, or an OPTIONS probe), if any
    private Purpose pending;
    private SipMethod pendingMethod;
    private String pendingBranch;
    private long pendingStartNanos;
    private int pendingRetries;
    private ScheduledFuture<?> pendingTimeout;

    private long pingSentNanos;
    private boolean ponged;
    private ScheduledFuture<?> pongTimeout;
    private ScheduledFuture<?> nextPing;
    private ScheduledFuture<?> nextRefresh;

    SipFlow(FlowPool pool, int userIndex) {
        this.pool = pool;
        this.userIndex = userIndex;
    }

    /** Completes with true on the first 2xx to REGISTER, false if the first registration failed. */
    CompletableFuture<Boolean> registration() {
        return registration;
    }

    boolean isRegistered() {
        return registration.getNow(false) && channel != null && channel.isActive();
    }

    /** Sends a probe request now and measures it; skipped if the flow is not registered or has one outstanding. */
    void probe(ProbeMethod method) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive() || pending != null || !registration.getNow(false)) {
                pool.probeDone();
                return;
            }
            pool.counters().probesSent.increment();
            start(Purpose.PROBE, method == ProbeMethod.OPTIONS ? SipMethod.OPTIONS : SipMethod.REGISTER);
        });
    }

    /**
     * Unregisters (REGISTER with Expires: 0, RFC 3261 §10.2.2) once no request of this flow is outstanding, then closes
     * the connection; completes when it is closed. Safe from any thread.
     */
    CompletableFuture<Boolean> remove() {
        Channel open = channel;
        if (open == null || !open.isActive()) {
            removal.complete(false);
        } else {
            open.eventLoop().execute(this::startRemoval);
        }
        return removal;
    }

    private void startRemoval() {
        removing = true;
        if (!channel.isActive()) {
            removal.complete(false);
        } else if (pending != null) {
            channel.eventLoop().schedule(this::startRemoval, 10, TimeUnit.MILLISECONDS); // one transaction at a time
        } else {
            cancel(nextRefresh);
            cancel(nextPing);
            cancel(pongTimeout);
            requests.expires(0);
            start(Purpose.REMOVE, SipMethod.REGISTER);
        }
    }

    /** Closes the connection (the pool is stopping); safe from any thread. */
    void close() {
        Channel open = channel;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        FlowSettings settings = pool.settings();
        requests = new FlowRequests(settings.domain(), settings.user(userIndex),
                (InetSocketAddress) channel.localAddress(), (int) settings.registerExpires().toSeconds());
        pool.counters().connected.increment();
        start(Purpose.SETUP, SipMethod.REGISTER);
        schedulePing();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf frame) {
                onMessage(frame);
            } else if (msg == KeepAlive.PONG) {
                onPong();
            } else if (msg == KeepAlive.PING) {
                channel.writeAndFlush(PONG.duplicate());
            } else if (msg instanceof FramingError error) {
                LOG.warnf("Flow %s: the server's stream cannot be framed (%d %s); closing",
                        channel, error.statusCode(), error.reasonPhrase());
                channel.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ByteBuf frame) {
        SipMessage message;
        try {
            message = pool.parser().parse(frame);
        } catch (SipParseException e) {
            LOG.warnf("Flow %s: unparseable message from the server dropped: %d %s", channel, e.statusCode(), e.reasonPhrase());
            return;
        }
        if (!(message instanceof SipResponse response)) {
            // This client offers no service: RFC 3261 §8.2.1 lets it refuse any request.
            SipRequest request = (SipRequest) message;
            if (!"ACK".equals(request.getMethod().name())) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(request.createResponse(501).encode()));
            }
            return;
        }
        String branch = response.getTopVia() == null ? null : response.getTopVia().branch();
        if (pending == null || branch == null || !pendingBranch.equals(FlowRequests.branchOf(branch))) {
            return; // stray (RFC 3261 §8.1.3.3): a late answer to a request already given up
        }
        int status = response.getStatus();
        if (status < 200) {
            return;
        }
        if ((status == 401 || status == 407) && answerChallenge(response)) {
            return;
        }
        // never for a removal: Expires 0 is not too brief (RFC 3261 §10.3), and a longer one would register again
        if (status == 423 && pending != Purpose.REMOVE && SipMethod.REGISTER.equals(pendingMethod)
                && acceptMinExpires(response)) {
            return;
        }
        finish(status >= 200 && status < 300, status);
    }

    /** Resends the pending request with credentials; false when the challenge cannot or should not be answered. */
    private boolean answerChallenge(SipResponse response) {
        if (pendingRetries >= MAX_RETRIES_PER_REQUEST) {
            return false;
        }
        HeaderName header = response.getStatus() == 401 ? HeaderName.WWW_AUTHENTICATE : HeaderName.PROXY_AUTHENTICATE;
        Optional<DigestChallenge> challenge = DigestChallenge.firstSupported(response.getHeaders(header));
        if (challenge.isEmpty()) {
            LOG.warnf("Flow %s: %d without a Digest challenge this client can answer (MD5 or SHA-256, qop=auth)",
                    channel, response.getStatus());
            return false;
        }
        pool.counters().challenges.increment();
        pendingRetries++;
        digest = new DigestAnswer(challenge.get(), pool.settings().user(userIndex), pool.settings().password(userIndex));
        sendPending();
        return true;
    }

    /** RFC 3261 §10.2.8: 423 (Interval Too Brief) names the shortest Expires accepted; ask for that once. */
    private boolean acceptMinExpires(SipResponse response) {
        String minExpires = response.getHeader(HeaderName.MIN_EXPIRES);
        if (pendingRetries >= MAX_RETRIES_PER_REQUEST || minExpires == null) {
            return false;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(minExpires.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (seconds <= requests.expires()) {
            return false; // asking again for what was refused cannot succeed
        }
        pendingRetries++;
        requests.expires(seconds);
        sendPending();
        return true;
    }

    private void start(Purpose purpose, SipMethod method) {
        pending = purpose;
        pendingMethod = method;
        pendingStartNanos = System.nanoTime();
        pendingRetries = 0;
        pendingTimeout = channel.eventLoop().schedule(this::timedOut,
                pool.settings().responseTimeout().toNanos(), TimeUnit.NANOSECONDS);
        sendPending();
    }

    private void sendPending() {
        pendingBranch = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + Integer.toHexString(userIndex);
        String authorization = digest == null ? null : digest.authorization(pendingMethod.name(), requests.digestUri());
        SipRequest request = requests.next(pendingMethod, pendingBranch, authorization);
        ByteBuf out = channel.alloc().buffer(512);
        request.encode(out);
        channel.writeAndFlush(out).addListener(written -> {
            if (!written.isSuccess() && pending != null) {
                finish(false, 0);
            }
        });
    }

    private void timedOut() {
        if (pending != null) {
            LOG.debugf("Flow %s: no final answer to %s within %s", channel, pendingMethod, pool.settings().responseTimeout());
            pendingTimeout = null;
            finish(false, 408);
        }
    }

    private void finish(boolean success, int status) {
        Purpose purpose = pending;
        boolean register = SipMethod.REGISTER.equals(pendingMethod);
        long elapsed = System.nanoTime() - pendingStartNanos;
        pending = null;
        if (pendingTimeout != null) {
            pendingTimeout.cancel(false);
            pendingTimeout = null;
        }
        FlowCounters counters = pool.counters();
        switch (purpose) {
            case SETUP -> {
                if (success) {
                    counters.registered.increment();
                    counters.recordSetup(elapsed);
                } else {
                    counters.registerFailures.increment();
                    LOG.debugf("Flow %s: first REGISTER failed with %d", channel, status);
                }
                registration.complete(success);
            }
            case REFRESH -> {
                // not a probe: refreshes come when their timers fire, so counting them would make a step's sample
                // depend on how long its probes took
                if (!success) {
                    counters.refreshFailures.increment();
                    LOG.debugf("Flow %s: REGISTER refresh failed with %d", channel, status);
                }
            }
            case PROBE -> {
                if (success) {
                    counters.recordProbe(elapsed);
                } else {
                    counters.probeFailures.increment();
                }
                pool.probeDone();
            }
            case REMOVE -> {
                if (success) {
                    counters.registered.decrement(); // registered now, not ever: the binding is gone
                } else {
                    counters.registerFailures.increment();
                    LOG.debugf("Flow %s: removing REGISTER failed with %d", channel, status);
                }
                removed = success;
                channel.close();
                return;
            }
        }
        if (success && register) {
            scheduleRefresh();
        } else if (purpose == Purpose.SETUP) {
            channel.close();
        }
    }

    /** RFC 3261 §10.2.4: refresh before the binding lapses; 80-95% of Expires spreads refreshes out. */
    private void scheduleRefresh() {
        if (nextRefresh != null) {
            nextRefresh.cancel(false);
        }
        long expires = TimeUnit.SECONDS.toNanos(requests.expires());
        long delay = (long) (expires * ThreadLocalRandom.current().nextDouble(0.80, 0.95));
        nextRefresh = channel.eventLoop().schedule(() -> {
            nextRefresh = null;
            if (pending == null && channel.isActive()) {
                pool.counters().refreshes.increment();
                start(Purpose.REFRESH, SipMethod.REGISTER);
            } else if (channel.isActive()) {
                scheduleRefresh();
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** RFC 5626 §4.4.1: each ping after a random 80-100% of the keep-alive interval, so flows do not ping in step. */
    private void schedulePing() {
        long interval = pool.settings().pingInterval().toNanos();
        long delay = (long) (interval * ThreadLocalRandom.current().nextDouble(0.80, 1.0));
        nextPing = channel.eventLoop().schedule(this::ping, delay, TimeUnit.NANOSECONDS);
    }

    private void ping() {
        nextPing = null;
        if (!channel.isActive()) {
            return;
        }
        pingSentNanos = System.nanoTime();
        pool.counters().pingsSent.increment();
        channel.writeAndFlush(PING.duplicate());
        Duration wait = pool.settings().pongTimeout();
        pongTimeout = channel.eventLoop().schedule(this::pongMissed, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onPong() {
        if (pongTimeout == null) {
            return; // unsolicited: RFC 5626 §4.4.1 has a client ignore a pong it did not ask for
        }
        pongTimeout.cancel(false);
        pongTimeout = null;
        pool.counters().pongsReceived.increment();
        if (!ponged) {
            ponged = true;
            pool.counters().flowsPonged.increment();
        }
        schedulePing();
    }

    private void pongMissed() {
        pongTimeout = null;
        pool.counters().pongsMissed.increment();
        LOG.debugf("Flow %s: no pong within %s of the ping sent %d ns ago", channel, pool.settings().pongTimeout(),
                System.nanoTime() - pingSentNanos);
        if (channel.isActive()) {
            schedulePing();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel(nextPing);
        cancel(pongTimeout);
        cancel(nextRefresh);
        if (!pool.isClosing() && !removing) {
            if (registration.getNow(false)) {
                pool.counters().dropped.increment();
            }
            LOG.debugf("Flow %s closed by the server or an error", channel);
        }
        if (pending != null) {
            finish(false, 0);
        }
        registration.complete(false);
        removal.complete(removed);
        pool.flowClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("Flow %s failed: %s", ctx.channel(), cause.toString());
        ctx.close();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
