package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.classify.MessageKind;
import org.sipcity.stack.transport.DatagramDrops;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.ReadSaturationMeter;
import org.sipcity.stack.transport.TransportType;

/**
 * The default {@link OverloadValve}: detects overload from the worker queue's sojourn time and depth, event-loop
 * lag, read saturation (event loops cut off from their sockets' backlog) and heap occupancy after GC ({@link LoadSignals}, read every evaluation interval by its own timer thread,
 * so that a stalled event loop cannot stall the detection), with hysteresis, and sheds by {@link TrafficClass}:
 *
 * <ul>
 * <li>responses and in-dialog requests: always admitted;</li>
 * <li>new work and REGISTER refreshes: with {@link Admission#RATE} (the default), admitted up to the controller's
 *     rate and shed beyond it (a token bucket refilled each evaluation; a refresh may overdraw it by a quarter of
 *     an evaluation's budget, so refreshes are shed last); with {@link Admission#LOSS}, new work then refreshes
 *     shed with the controller's loss fraction ({@link OverloadController}).</li>
 * </ul>
 *
 * <p>Over UDP the excess of an overload may never reach the event loops: the kernel drops it at the socket's full
 * receive queue, whatever its class. The kernel's own drop counters of the server's sockets ({@link DatagramDrops},
 * sampled each evaluation) are a signal: overload begins when they drop a share of what arrives, and the admitted
 * rate gives up what the loops need to read everything, so that the valve, not the kernel, chooses what is shed.
 *
 * <p>A connection whose write queue is backed up gets no rule of its own. The transport has already stopped
 * reading from it (Shen and Schulzrinne: TCP flow control then holds the peer's further requests in the kernel),
 * so what still arrives was read before the pause and is judged like any other request: admitted while there is
 * capacity, answered 503 (queued within the connection's hard limit) while shedding. Dropping it, as an earlier
 * version did, left each such client waiting for its transaction timeout over TCP, where nothing retransmits,
 * and cost goodput against the server without a valve.
 *
 * <p>A shed request is answered with a byte-built 503 ({@link RejectionWriter}) carrying a random Retry-After
 * and, for an upstream that advertises {@code oc}, RFC 7339 feedback; or dropped (UDP with
 * {@link OverloadSettings#dropOnUdp()}, a first line that is not a request line).
 */
public final class SojournTimeValve implements OverloadValve {

    private static final Logger LOG = Logger.getLogger(SojournTimeValve.class);
    /** The DEBUG trace: one line per this many evaluations while overloaded (a second at the default 50 ms). */
    private static final int TRACE_EVERY = 20;

    private final OverloadSettings settings;
    private final WorkerQueueLoad workers;
    private final OverloadFigures figures = new OverloadFigures();
    private final OverloadController controller;
    private final LongSupplier nanoClock;
    private final LongSupplier millisClock;
    private final DoubleSupplier uniform;

    private volatile LoadSignals signals;
    private volatile double newWorkLoss;
    private volatile double refreshLoss;
    /** Rate admission: true while new work is admitted only against {@link #tokens}. */
    private volatile boolean limiting;
    /** Rate admission: requests of new work (and refreshes) that may still be admitted in this evaluation. */
    private final AtomicLong tokens = new AtomicLong();
    private volatile long budget;
    private double budgetRemainder;
    private volatile OverloadControlFeedback feedback;
    private long feedbackSecond;
    private int feedbackCounter;
    private ScheduledExecutorService timer;
    /** Evaluations since overload began (the DEBUG trace's clock). */
    private long evaluationsOverloaded;
    private MeasuredLoadSignals measured;

    /** A valve on the measured signals of the server: the worker queue as reported, its event loops, its heap. */
    public SojournTimeValve(OverloadSettings settings, WorkerQueueLoad workers) {
        this(settings, Objects.requireNonNull(workers, "workers"), null, System::nanoTime, System::currentTimeMillis,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** A valve on the given signals (an embedding layer that measures load its own way). */
    public SojournTimeValve(OverloadSettings settings, LoadSignals signals) {
        this(settings, null, Objects.requireNonNull(signals, "signals"), System::nanoTime, System::currentTimeMillis,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** For tests: fixed clocks and random numbers. */
    SojournTimeValve(OverloadSettings settings, WorkerQueueLoad workers, LoadSignals signals, LongSupplier nanoClock,
                     LongSupplier millisClock, DoubleSupplier uniform) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.workers = workers;
        this.signals = signals;
        this.nanoClock = nanoClock;
        this.millisClock = millisClock;
        this.uniform = uniform;
        this.controller = new OverloadController(settings, figures);
        publishFeedback(0);
    }

    @Override
    public Verdict inspect(long classification, ByteBuf message, Flow flow) {
        if (limiting) {
            return inspectLimited(classification, message, flow);
        }
        if (newWorkLoss == 0) {
            // Nothing is being shed (refreshes are cut only after all new work): admit without scanning the head.
            TrafficClass byFirstLine = TrafficClass.ofFirstLine(classification);
            if (byFirstLine == null) {
                figures.countAdmittedUnsorted();
            } else {
                figures.countAdmitted(byFirstLine);
            }
            return Verdict.ADMIT;
        }
        TrafficClass trafficClass = TrafficClass.of(classification, message);
        if (trafficClass == TrafficClass.RESPONSE || trafficClass == TrafficClass.IN_DIALOG) {
            figures.countAdmitted(trafficClass);
            return Verdict.ADMIT;
        }
        double loss = trafficClass == TrafficClass.NEW_WORK ? newWorkLoss : refreshLoss;
        if (loss > 0 && (loss >= 1 || uniform.getAsDouble() < loss)) {
            figures.countShed(trafficClass);
            boolean answerable = FirstLineClassifier.kind(classification) == MessageKind.REQUEST
                    && !(settings.dropOnUdp() && flow.transport() == TransportType.UDP);
            return answerable ? Verdict.REJECT : Verdict.DROP;
        }
        figures.countAdmitted(trafficClass);
        return Verdict.ADMIT;
    }

    /** Rate admission while overloaded: new work against the token bucket; refreshes may overdraw it a little. */
    private Verdict inspectLimited(long classification, ByteBuf message, Flow flow) {
        TrafficClass trafficClass = TrafficClass.of(classification, message);
        if (trafficClass == TrafficClass.RESPONSE || trafficClass == TrafficClass.IN_DIALOG) {
            figures.countAdmitted(trafficClass);
            return Verdict.ADMIT;
        }
        long reserve = trafficClass == TrafficClass.REGISTER_REFRESH ? -(budget / 4) : 0;
        // Read before taking, so that a shed costs no write to the shared counter (a lost race overdraws by one).
        if (tokens.get() > reserve && tokens.getAndDecrement() > reserve) {
            figures.countAdmitted(trafficClass);
            return Verdict.ADMIT;
        }
        figures.countShed(trafficClass);
        boolean answerable = FirstLineClassifier.kind(classification) == MessageKind.REQUEST
                && !(settings.dropOnUdp() && flow.transport() == TransportType.UDP);
        return answerable ? Verdict.REJECT : Verdict.DROP;
    }

    @Override
    public boolean writeRejection(ByteBuf request, ByteBuf out) {
        int spread = settings.retryAfterMax() - settings.retryAfterMin();
        int retryAfter = settings.retryAfterMin() + (spread == 0 ? 0 : ThreadLocalRandom.current().nextInt(spread + 1));
        boolean written = RejectionWriter.write503(request, out, retryAfter, feedback);
        if (written) {
            figures.countRejectionSent();
        }
        return written;
    }

    /**
     * The RFC 7339 feedback of this moment, for a proxy to put in the responses it forwards to an upstream that
     * advertised {@code oc} ({@link OverloadControlFeedback#applyTo}).
     */
    public OverloadControlFeedback feedback() {
        return feedback;
    }

    public OverloadFigures figures() {
        return figures;
    }

    public OverloadSettings settings() {
        return settings;
    }

    public OverloadState state() {
        return figures.state();
    }

    /** {@link #start(EventExecutorGroup, ReadSaturationMeter)} without read saturation (it reads 0). */
    @Override
    public void start(EventExecutorGroup eventLoops) {
        start(eventLoops, null, null);
    }

    /** {@link #start(EventExecutorGroup, ReadSaturationMeter, DatagramDrops)} without the UDP drops (they read 0). */
    @Override
    public void start(EventExecutorGroup eventLoops, ReadSaturationMeter reads) {
        start(eventLoops, reads, null);
    }

    /**
     * Starts the evaluation timer (one daemon thread) and, for a valve on measured signals, the event-loop lag
     * probes, the read-saturation window over {@code reads} and the UDP sockets' kernel drops (either may be
     * {@code null}).
     */
    @Override
    public synchronized void start(EventExecutorGroup eventLoops, ReadSaturationMeter reads, DatagramDrops drops) {
        if (timer != null) {
            throw new IllegalStateException("valve already started");
        }
        if (signals == null) {
            measured = new MeasuredLoadSignals(workers, eventLoops, reads, drops, settings);
            signals = measured;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sip-overload-valve");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.evaluationInterval().toNanos();
        timer.scheduleAtFixedRate(this::evaluateSafely, interval, interval, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (measured != null) {
            measured.close();
            measured = null;
        }
    }

    private void evaluateSafely() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Overload valve evaluation failed; keeping the last state (%s)", figures.state());
        }
    }

    /**
     * Reads the load signals once and updates state, loss fractions and feedback. Runs on the valve's timer; an
     * embedding layer that has no event loops to give {@link #start} may call it itself, from one thread.
     */
    public synchronized void evaluate() {
        LoadSignals current = signals;
        if (current == null) {
            return;
        }
        OverloadState before = controller.state();
        controller.evaluate(current, nanoClock.getAsLong());
        newWorkLoss = controller.newWorkLoss();
        refreshLoss = controller.refreshLoss();
        refill(controller.limiting(), controller.admissionRate());
        int lossPercent = (int) Math.round(newWorkLoss * 100);
        if (lossPercent != feedback.lossPercent() || (lossPercent == 0 && controller.state() != before)) {
            publishFeedback(lossPercent);
        }
        if (controller.state() == OverloadState.OVERLOADED && ++evaluationsOverloaded % TRACE_EVERY == 0
                && LOG.isDebugEnabled()) {
            // What the rate follows, once a second while overloaded: the figures a benchmark needs to tell why goodput
            // settled where it did (DEBUG: the management model has the same, sampled).
            LOG.debugf("SIP overload: new work admitted at %.0f/s (reference %.0f/s), served %.0f/s, admitted %.0f/s; "
                    + "worker wait %.1f ms, event-loop lag %.1f ms (compiling %.0f%%), read saturation %.0f%%, "
                    + "UDP drops %.1f%%, UDP queue %d KiB, loss %.0f%%",
                    controller.admissionRate(), controller.referenceRate(), controller.servedRate(),
                    controller.admittedRate(), figures.oldestWaitMillis(), figures.eventLoopLagMillis(),
                    Math.max(0, figures.compiling()) * 100, figures.readSaturation() * 100,
                    figures.datagramDropShare() * 100, figures.datagramQueueBytes() >> 10, newWorkLoss * 100);
        }
        if (controller.state() != before) {
            evaluationsOverloaded = 0;
            LOG.infof("SIP overload %s: worker wait %.1f ms, queue %d, event-loop lag %.1f ms (compiling %.0f%%), "
                    + "heap after GC %.0f%%, read saturation %.0f%%, UDP drops %.1f%% of arrivals, UDP queue %d KiB, "
                    + "served %.0f/s, new work admitted at %.0f/s",
                    controller.state() == OverloadState.OVERLOADED ? "begins on " + figures.cause().label() : "ends",
                    figures.oldestWaitMillis(), figures.queueDepth(), figures.eventLoopLagMillis(),
                    Math.max(0, figures.compiling()) * 100, figures.heapOccupancyAfterGc() * 100,
                    figures.readSaturation() * 100, figures.datagramDropShare() * 100,
                    figures.datagramQueueBytes() >> 10, controller.servedRate(),
                    controller.limiting() ? controller.admissionRate() : controller.admittedRate());
        }
    }

    /**
     * Rate admission: one evaluation's budget of new work at {@code rate} per second, added to what is left, the
     * bucket one budget deep (what was not used in a quiet moment does not let a burst through later).
     */
    private void refill(boolean limit, double rate) {
        if (!limit) {
            limiting = false;
            return;
        }
        double exact = rate * settings.evaluationInterval().toNanos() / 1e9 + budgetRemainder;
        long whole = (long) exact;
        budgetRemainder = exact - whole;
        budget = whole;
        if (!limiting) {
            tokens.set(whole);
            limiting = true;
        } else {
            tokens.accumulateAndGet(whole, (left, add) -> Math.min(add, left + add));
        }
    }

    /** RFC 7339 §5.2: oc-seq grows with every new value: seconds since the epoch, then a counter within the second. */
    private void publishFeedback(int lossPercent) {
        long second = millisClock.getAsLong() / 1000;
        if (second > feedbackSecond) {
            feedbackSecond = second;
            feedbackCounter = 0;
        } else {
            feedbackCounter = Math.min(99_999, feedbackCounter + 1);
        }
        long validity = lossPercent == 0 ? 0 : settings.ocValidity().toMillis();
        feedback = new OverloadControlFeedback(lossPercent, validity, feedbackSecond, feedbackCounter);
    }
}
