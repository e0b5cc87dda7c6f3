package org.sipcity.stack.overload;

/**
 * Turns load signals into the valve's state and loss fractions, one evaluation at a time (single-threaded: the
 * valve's timer calls it; event loops only read the volatile results).
 *
 * <p><b>Hysteresis.</b> Overload begins when any signal reaches its high mark, and ends only once every signal
 * has stayed below its low mark for the hold time. The worker sojourn time counts towards overload as its shortest
 * value over {@code sojournWindow} ({@link WindowMinimum}), so a short stall is not taken for a standing queue;
 * the end of overload is judged on the current value: while the offered load goes on, the workers drain their
 * queue between admitted bursts, and a window's shortest wait would read calm and end overload in the middle of
 * it (tried: the valve then flapped under OverloadSippIT's steady load). Read saturation (an event loop cut off
 * from its sockets' backlog) is judged over a window of time by its source ({@link ReadSaturationWindow}).
 *
 * <p><b>Loss.</b> A loss-based controller in the spirit of RFC 7339 Appendix B: the load is expressed as
 * {@code p}, the largest ratio of a signal to its high mark. While {@code p > 1} the admitted fraction of new work
 * is multiplied by {@code 1 - gain (1 - 1/p)} each evaluation, so it falls smoothly and faster the larger the
 * excess (at twice the high mark, by a quarter per evaluation with the default gain); while {@code p <= 1} it
 * grows back by a fixed step. Only when all new work is shed does the cut move on to REGISTER refreshes, and
 * refreshes recover first. Responses and in-dialog requests are never shed.
 */
final class OverloadController {

    private static final long NOT_CALM = Long.MIN_VALUE;
    /** Below this admitted fraction, all of a class is shed (a multiplicative cut never reaches zero by itself). */
    private static final double ADMIT_FLOOR = 0.01;

    private final OverloadSettings settings;
    private final OverloadFigures figures;
    private final long sojournHigh;
    private final long sojournLow;
    private final long lagHigh;
    private final long lagLow;
    private final long holdNanos;
    private final WindowMinimum standingWait;
    private final double readHigh;
    private final double readLow;

    private OverloadState state = OverloadState.NORMAL;
    private long calmSince = NOT_CALM;
    private double admitNew = 1;
    private double admitRefresh = 1;

    OverloadController(OverloadSettings settings, OverloadFigures figures) {
        this.settings = settings;
        this.figures = figures;
        this.sojournHigh = settings.sojournHigh().toNanos();
        this.sojournLow = settings.sojournLow().toNanos();
        this.lagHigh = settings.lagHigh().toNanos();
        this.lagLow = settings.lagLow().toNanos();
        this.holdNanos = settings.holdTime().toNanos();
        this.readHigh = settings.readSaturationHigh();
        this.readLow = settings.readSaturationLow();
        // Samples spanning the window: its two ends and every evaluation in between.
        long samples = settings.sojournWindow().toNanos() / settings.evaluationInterval().toNanos() + 1;
        this.standingWait = new WindowMinimum((int) Math.max(1, Math.min(1000, samples)));
    }

    /** Reads {@code signals} once and updates state and loss; {@code nowNanos} from a monotonic clock. */
    void evaluate(LoadSignals signals, long nowNanos) {
        long wait = signals.oldestWaitNanos();
        int depth = signals.queueDepth();
        long lag = signals.eventLoopLagNanos();
        double heap = signals.heapOccupancyAfterGc();
        double reads = signals.readSaturation();

        long standing = standingWait.add(wait);
        double load = Math.max(Math.max((double) standing / sojournHigh, (double) lag / lagHigh), heap / settings.heapHigh());
        load = Math.max(load, reads / readHigh);
        if (settings.queueDepthHigh() > 0) {
            load = Math.max(load, (double) depth / settings.queueDepthHigh());
        }
        boolean calm = wait < sojournLow && lag < lagLow && heap < settings.heapLow() && reads < readLow
                && (settings.queueDepthHigh() == 0 || depth < settings.queueDepthLow());

        if (state == OverloadState.NORMAL && load >= 1) {
            state = OverloadState.OVERLOADED;
            calmSince = NOT_CALM;
            figures.transition(state);
        }
        if (state == OverloadState.OVERLOADED) {
            adjust(load);
            if (!calm) {
                calmSince = NOT_CALM;
            } else if (calmSince == NOT_CALM) {
                calmSince = nowNanos;
            } else if (nowNanos - calmSince >= holdNanos) {
                state = OverloadState.NORMAL;
                admitNew = 1;
                admitRefresh = 1;
                figures.transition(state);
            }
        }
        figures.sampled(signals, wait, lag, heap, reads, signals.readBusy(), newWorkLoss(), refreshLoss());
    }

    private void adjust(double load) {
        if (load > 1) {
            double factor = 1 - settings.reductionGain() * (1 - 1 / load);
            if (admitNew > 0) {
                admitNew = admitNew * factor < ADMIT_FLOOR ? 0 : admitNew * factor;
            } else {
                admitRefresh = admitRefresh * factor < ADMIT_FLOOR ? 0 : admitRefresh * factor;
            }
        } else if (load < 1) {
            if (admitRefresh < 1) {
                admitRefresh = Math.min(1, admitRefresh + settings.recoveryStep());
            } else {
                admitNew = Math.min(1, admitNew + settings.recoveryStep());
            }
        }
    }

    OverloadState state() {
        return state;
    }

    double newWorkLoss() {
        return state == OverloadState.NORMAL ? 0 : 1 - admitNew;
    }

    double refreshLoss() {
        return state == OverloadState.NORMAL ? 0 : 1 - admitRefresh;
    }
}
