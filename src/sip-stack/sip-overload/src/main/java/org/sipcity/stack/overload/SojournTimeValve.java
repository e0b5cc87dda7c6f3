package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.classify.MessageKind;
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
 * <li>new work, then REGISTER refreshes: shed with the controller's loss fraction ({@link OverloadController}).</li>
 * </ul>
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
    private volatile OverloadControlFeedback feedback;
    private long feedbackSecond;
    private int feedbackCounter;
    private ScheduledExecutorService timer;
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
        start(eventLoops, null);
    }

    /**
     * Starts the evaluation timer (one daemon thread) and, for a valve on measured signals, the event-loop lag
     * probes and the read-saturation window over {@code reads} (may be {@code null}).
     */
    @Override
    public synchronized void start(EventExecutorGroup eventLoops, ReadSaturationMeter reads) {
        if (timer != null) {
            throw new IllegalStateException("valve already started");
        }
        if (signals == null) {
            measured = new MeasuredLoadSignals(workers, eventLoops, reads, settings);
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
        int lossPercent = (int) Math.round(newWorkLoss * 100);
        if (lossPercent != feedback.lossPercent() || (lossPercent == 0 && controller.state() != before)) {
            publishFeedback(lossPercent);
        }
        if (controller.state() != before) {
            LOG.infof("SIP overload %s: worker wait %.1f ms, queue %d, event-loop lag %.1f ms, heap after GC %.0f%%, "
                    + "read saturation %.0f%%", controller.state() == OverloadState.OVERLOADED ? "begins" : "ends",
                    figures.oldestWaitMillis(), figures.queueDepth(), figures.eventLoopLagMillis(),
                    figures.heapOccupancyAfterGc() * 100, figures.readSaturation() * 100);
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
