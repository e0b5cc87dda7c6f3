package org.sipcity.stack.overload;

/**
 * Turns load signals into the valve's state and its admission of new work, one evaluation at a time
 * (single-threaded: the valve's timer calls it; event loops only read the volatile results).
 *
 * <p><b>Hysteresis.</b> Overload begins when any signal reaches its high mark, and ends only once every signal
 * has stayed below its low mark for the hold time (with {@link Admission#RATE}, also with nothing shed: the
 * offered load fits the admitted rate). The worker sojourn time counts towards overload as its shortest value over
 * {@code sojournWindow} ({@link WindowMinimum}), so a short stall is not taken for a standing queue; the end of
 * overload is judged on the current value: while the offered load goes on, the workers drain their queue between
 * admitted bursts, and a window's shortest wait would read calm and end overload in the middle of it (tried: the
 * valve then flapped under OverloadSippIT's steady load). Read saturation (an event loop cut off from its sockets'
 * backlog) is judged over a window of time by its source ({@link ReadSaturationWindow}); so is the share of the
 * arriving datagrams the kernel dropped at the UDP sockets' full receive queues ({@link DropShareWindow}). The
 * event-loop lag is read net of what the JIT compilers took over the read-saturation window
 * ({@link LoadSignals#compilationNanos()}): a server warming up is not an overloaded one.
 *
 * <p><b>Rate admission</b> ({@link Admission#RATE}, the default). When overload begins, the reference rate is the rate
 * the server served lately (worker completions: the larger of the recent rate and its slowly decaying peak), its
 * capacity as measured; the admitted rate {@code R} starts at the reference, or at the rate new work (and REGISTER
 * refreshes) arrives at the valve now if that is lower, so that any cut sheds at once. While overloaded:
 * <ul>
 * <li>the workers overloaded (a signal shedding relieves {@code p} times its high mark, {@code p > 1}: sojourn,
 *     queue depth, lag, heap; the lag only while the workers have work waiting or fall behind what is admitted, or the loops themselves ran application tasks (inline), as
 *     towards overload): {@code R} is multiplied by {@code 1 - gain (1 - 1/p)};</li>
 * <li>else read saturation above or between its marks: {@code R} climbs while the workers keep up (wait, queue and
 *     heap below their low marks, the loop's lag below its high mark, at least {@value #KEEP_UP} of the admitted rate
 *     served, as the workers report it: without completions reported they are not known to keep up); else above its
 *     high mark it is cut as for the workers, but never below {@value #DROP_FLOOR} of the reference (the loop reads
 *     what arrives whatever the valve decides, so shedding does not bring this signal down); between its marks, {@code R} holds; either way it climbs back to that floor if a cut for the workers left it
 *     below;</li>
 * <li>else, while the share of arrivals the UDP sockets drop is above its low mark: for every datagram dropped
 *     since the last evaluation, {@code R} gives up {@code gain * shedCost} (over a second of {@code d} drops a
 *     second, {@code gain * shedCost * d}: the CPU the event loops need to read and shed what the kernel dropped),
 *     but never below {@value #DROP_FLOOR} of the reference rate: past that, reading everything would cost more
 *     goodput than the kernel's indiscriminate drop costs in-dialog requests; but while every signal shedding
 *     relieves is below its low mark (the workers keep up with all they are given), {@code R} climbs instead and the
 *     reference follows the served rate: drops then mean a rate below what the server can serve;</li>
 * <li>else, while the UDP sockets' receive queues hold a standing queue (their least content over
 *     {@code datagramQueueWindow} at or above its high mark, {@code q} times the mark): {@code R} is multiplied by
 *     {@code 1 - gain (1 - 1/q)} once per window (the queue's minimum answers a cut only a window later), but never
 *     below {@value #QUEUE_FLOOR} of the reference rate; between two cuts it holds;</li>
 * <li>else (the workers below their high marks, drops below their low mark over the window) {@code R} grows by
 *     {@code rateIncrease} of itself (at least of the reference rate) per evaluation, up to 1.25 times the offered
 *     rate: a reference taken at the very start of a load is too low, and the rate must find the capacity.</li>
 * </ul>
 * Whatever the branch, {@code R} does not climb while the UDP sockets' standing queue is above its low mark: the loops
 * have not read them empty within a window, and the requests behind the queue wait or are dropped. With
 * {@link OverloadSettings#readAllDatagrams()} (off by default), while the sockets drop, {@code R} is also held to
 * what leaves the loops the CPU to read and shed all that arrives ({@link #readAllCap}).
 * The event loops admit new work up to {@code R} (a token bucket refilled each evaluation, one evaluation deep) and
 * shed the rest. The cut is driven by the excess, not by a signal that shedding itself keeps high: a loss fraction
 * cut while the sockets still drop went on cutting, since reading a datagram to shed it costs the loop time that
 * the kernel's drop does not (measured: 57% of capacity at 2x over UDP).
 *
 * <p><b>Loss admission</b> ({@link Admission#LOSS}). A loss-based controller in the spirit of RFC 7339 Appendix B:
 * the load is expressed as {@code p}, the largest ratio of a signal to its high mark. While {@code p > 1} the
 * admitted fraction of new work is multiplied by {@code 1 - gain (1 - 1/p)} each evaluation, so it falls smoothly
 * and faster the larger the excess (at twice the high mark, by a quarter per evaluation with the default gain);
 * while {@code p <= 1} it grows back by a fixed step. Only when all new work is shed does the cut move on to
 * REGISTER refreshes, and refreshes recover first.
 *
 * <p>Responses and in-dialog requests are never shed, in either mode.
 */
final class OverloadController {

    private static final long NOT_CALM = Long.MIN_VALUE;
    /** Below this admitted fraction, all of a class is shed (a multiplicative cut never reaches zero by itself). */
    private static final double ADMIT_FLOOR = 0.01;
    /**
     * Rate admission: the drop signal alone never cuts the admitted rate below this share of the reference (the served
     * rate): issue 5 asks for goodput of at least 90% of capacity at every overload level, and a floor of 75% made the
     * valve hold goodput to 75% of the served rate at 2-4x over UDP wherever the kernel kept dropping.
     */
    static final double DROP_FLOOR = 0.9;
    /**
     * Rate admission: a standing datagram queue never cuts the admitted rate below this share of the reference. Reading
     * and shedding the whole excess at {@code k} times the capacity leaves {@code (1 - k r) / (1 - r)} of it to serve
     * ({@code r}: a shed's cost as a share of a served request): 78% at 3x with r = 10%. Below half, the kernel's
     * indiscriminate drop costs less goodput than reading would.
     */
    static final double QUEUE_FLOOR = 0.5;
    /** Rate admission: the admitted rate never falls below this, per second (a trickle keeps the estimate alive). */
    private static final double MIN_RATE = 10;
    /** Rate admission: the least loss published while overloaded (RFC 7339 §5.2: {@code oc} of 1%). */
    static final double MIN_RATE_LOSS = 0.01;
    /** Rate admission: smoothing of the measured shed share published as the loss (RFC 7339 feedback). */
    private static final double LOSS_SMOOTHING = 0.2;
    /** Rate admission: evaluations over which the recent admitted rate is taken beside the window's average. */
    private static final int RECENT_SAMPLES = 5;
    /** Rate admission: the peak admitted rate loses 0.5% per evaluation (a third left after 10 s at 50 ms). */
    private static final double PEAK_DECAY = 0.995;
    /**
     * Rate admission: the workers keep up when they serve at least this share of the admitted rate (both over the same
     * windows; completions trail admissions by a task's time, and a rate that stopped following is held).
     */
    static final double KEEP_UP = 0.95;
    /** Rate admission: the admitted rate is never raised beyond this multiple of the offered rate. */
    private static final double OFFERED_HEADROOM = 1.25;

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
    private final DropShareWindow dropWindow;
    private final long dropWindowNanos;
    private final double intervalSeconds;
    private final long queueHigh;
    private final long queueLow;
    private final long queueWindowNanos;
    private final WindowMinimum standingQueue;
    /** When a standing datagram queue last cut the rate; {@link #NOT_CALM} before it did in this overload. */
    private long lastQueueCut = NOT_CALM;

    private OverloadState state = OverloadState.NORMAL;
    private long calmSince = NOT_CALM;
    private double admitNew = 1;
    private double admitRefresh = 1;

    // Rate admission.
    private double rate;
    private double referenceRate;
    /** What the workers served (or, when not reported, what the valve admitted): the reference measure. */
    private final CountRate served;
    private final CountRate admittedRates;
    /**
     * New work and refreshes arriving at the valve (admitted and shed) over the last evaluation only: the load as it
     * is now, even a load that has just begun.
     */
    private final CountRate arriving;
    /** The same arrivals over the drop window (or its last evaluations, if more): what the loops must read. */
    private final CountRate arrivingOverWindow;
    /**
     * The JIT compilers' wall time over the read-saturation window, per second (a share of one thread, above 1 when
     * compiler threads ran side by side); stays 0 where compilation is not timed.
     */
    private final CountRate compiling;
    private final long compilingWindowNanos;
    /** The served rate of the last evaluation, per second. */
    private double servedRate;
    /** The largest reference rate lately: each evaluation the larger of the measure and itself x PEAK_DECAY. */
    private double peakRate;
    /** New work offered (admitted and shed), smoothed over a few evaluations, per second. */
    private double offeredRate;
    private double measuredLoss;
    private long lastNanos = NOT_CALM;
    private long lastDrops;
    private long lastAdmitted;
    private long lastShed;
    private long lastEventLoopTasks;
    /** When the loops last completed inline work; {@link #NOT_CALM} before they ever did. */
    private long lastInlineNanos = NOT_CALM;
    /** How long the loops count as running inline work after they last completed some: the read-saturation window. */
    private final long inlineMemoryNanos;
    private boolean shedThisInterval;
    /** Each signal's share of its high mark at the last evaluation, by {@link OverloadSignal#ordinal()}. */
    private final double[] signalShares = new double[OverloadSignal.values().length];
    /** Whether the last evaluation's signals reported worker completions: without them nothing says the workers keep up. */
    private boolean completionsReported;

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
        this.inlineMemoryNanos = settings.readSaturationWindow().toNanos();
        long interval = settings.evaluationInterval().toNanos();
        this.intervalSeconds = interval / 1e9;
        // Samples spanning the window: its two ends and every evaluation in between.
        long samples = settings.sojournWindow().toNanos() / interval + 1;
        this.standingWait = new WindowMinimum((int) Math.max(1, Math.min(1000, samples)));
        this.queueHigh = settings.datagramQueueHigh();
        this.queueLow = settings.datagramQueueLow();
        this.queueWindowNanos = settings.datagramQueueWindow().toNanos();
        long queueSamples = queueWindowNanos / interval + 1;
        this.standingQueue = new WindowMinimum((int) Math.max(1, Math.min(1000, queueSamples)));
        this.dropWindowNanos = settings.datagramDropWindow().toNanos();
        int dropSamples = (int) Math.max(2, Math.min(1000, dropWindowNanos / interval + 1));
        this.dropWindow = new DropShareWindow(dropWindowNanos, dropSamples);
        this.served = new CountRate(dropSamples, RECENT_SAMPLES);
        this.admittedRates = new CountRate(dropSamples, RECENT_SAMPLES);
        this.arriving = new CountRate(2, 1);
        this.arrivingOverWindow = new CountRate(dropSamples, RECENT_SAMPLES);
        int windowSamples = (int) Math.max(2, Math.min(1000, inlineMemoryNanos / interval + 1));
        // Averaged over the whole window: a compilation is counted only when it ends, in one lump.
        this.compiling = new CountRate(windowSamples, windowSamples);
        this.compilingWindowNanos = inlineMemoryNanos;
    }

    /** Reads {@code signals} once and updates state and admission; {@code nowNanos} from a monotonic clock. */
    void evaluate(LoadSignals signals, long nowNanos) {
        long wait = signals.oldestWaitNanos();
        int depth = signals.queueDepth();
        long loopLag = signals.eventLoopLagNanos();
        long compiled = signals.compilationNanos();
        double compilingShare = compiled < 0 ? 0 : compiling.update(nowNanos, compiled) / 1e9;
        // The lag the JIT does not explain. Compiler threads share the cores with the loops: a loop can be late by as
        // much as they compiled lately, and that passes once the code is compiled, while shedding makes it worse (the
        // 503 path and the head scan compile in the first overload after a start or a reload). Measured 2026-11-27 on
        // a 2 vCPU Xeon, server on one core, TCP: C2 compiled 2.6-2.8 s of the first valve-on 8 s step; the lag
        // (150-245 ms) began overload at 5,000-12,500/s, a third to half of capacity, the rate admission then held
        // goodput at 42-74% of it. Only what the compilers took within the window is forgiven: a deficit that lasts
        // (the load, not the warm-up) outgrows it within a few seconds.
        long compilingNanos = (long) (Math.min(1.0, compilingShare) * compilingWindowNanos);
        long lag = Math.max(0, loopLag - compilingNanos);
        double heap = signals.heapOccupancyAfterGc();
        double reads = signals.readSaturation();
        long drops = signals.datagramDrops();
        long admitted = figures.admittedSheddable();
        long shed = figures.shedSheddable();
        double dropShare = dropWindow.update(nowNanos, drops, figures.inspected());
        // The same read of the kernel's tables as the drops. The least content over the window is the standing queue:
        // a young pause fills the sockets for a moment (up to 6 MB at 26,500/s, measured 2026-11-28), a server that
        // keeps up reads them empty again within the window.
        long standingQueued = queueHigh > 0 ? standingQueue.add(signals.datagramQueueBytes()) : 0;
        double queueShare = queueHigh > 0 ? (double) standingQueued / queueHigh : 0;
        // Not read empty within the window: the loops have not caught up with what arrives since the last cut. The
        // current content would not do: near the capacity a young pause leaves a backlog that takes most of a second
        // to read, and held while it lasted, the rate never climbed again (measured 2026-11-28 on a 2 vCPU AMD EPYC,
        // UDP at 1x: 75% of the capacity served against 100% without the signal).
        boolean queueStanding = queueHigh > 0 && standingQueued >= queueLow;
        long droppedNow = lastNanos == NOT_CALM ? 0 : Math.max(0, drops - lastDrops);
        long admittedNow = lastNanos == NOT_CALM ? 0 : Math.max(0, admitted - lastAdmitted);
        long shedNow = lastNanos == NOT_CALM ? 0 : Math.max(0, shed - lastShed);
        lastNanos = nowNanos;
        lastDrops = drops;
        lastAdmitted = admitted;
        lastShed = shed;
        shedThisInterval = shedNow > 0;
        long completed = signals.completedTasks();
        completionsReported = completed >= 0;
        long eventLoopTasks = signals.eventLoopTasks();
        if (eventLoopTasks != lastEventLoopTasks) {
            lastInlineNanos = nowNanos;
        }
        lastEventLoopTasks = eventLoopTasks;
        // Over the read-saturation window, not one evaluation: a loop held by one long task (a young pause inside it,
        // 61-81 ms measured 2026-11-26 21:55) completes nothing in that evaluation, and the window's read saturation
        // then counted as if the loop only parsed, beginning overload at 1.6-3.8 ms of lag.
        boolean loopsRanTasks = lastInlineNanos != NOT_CALM && nowNanos - lastInlineNanos <= inlineMemoryNanos;
        double admittedRate = admittedRates.update(nowNanos, admitted);
        servedRate = completed < 0 ? admittedRate : served.update(nowNanos, completed);
        // What arrives at the sockets: judged at the valve, plus what the kernel dropped before any loop could read it
        // (measured 2026-11-26, UDP at 24,000/s: the valve alone saw 3,236/s in the evaluation overload began in).
        double arrivingRate = arriving.update(nowNanos, admitted + shed + drops);
        double arrivalsToRead = arrivingOverWindow.update(nowNanos, admitted + shed + drops);
        peakRate = Math.max(servedRate, peakRate * PEAK_DECAY);
        offeredRate += 0.3 * ((admittedNow + shedNow) / intervalSeconds - offeredRate);
        if (admittedNow + shedNow > 0) {
            measuredLoss += LOSS_SMOOTHING * ((double) shedNow / (admittedNow + shedNow) - measuredLoss);
        }

        long standing = standingWait.add(wait);
        // The loops' lag is evidence of overload only while the workers have work waiting or fall behind what is
        // admitted: a loop that is late while the workers serve everything it hands them is late for something shedding
        // does not relieve (the JIT compiling on the same core after boot, the host descheduling the process; a shed
        // even costs the loop more than an admission: the head scan and the 503). Measured 2026-11-26 15:26-15:27 on
        // a cold server: lag 103-116 ms began overload on an idle server and at 33-86/s of new work, and the rate was cut
        // to its 10/s minimum while the workers had no wait and served what arrived. A loop that cannot read what
        // arrives shows read saturation (streams) or the kernel's drops (UDP); without completions there is nothing
        // to judge by and the lag counts as before.
        // Work run on the loops themselves (applications declared inline) waits in the sockets, not in the workers'
        // queue: its wait is the lag, and its completions keep pace with admissions whatever the load, as the loop that
        // admits also serves. For it the lag always counts, or overload of an inline application would never be seen.
        long judgedLag = loopsRanTasks || lagCounts(completed, wait, admittedRate) ? lag : 0;
        // Each signal as a share of its high mark (the queue depth only with a mark set); the largest is the load, and
        // names the cause when overload begins.
        double[] shares = signalShares;
        shares[OverloadSignal.WORKER_WAIT.ordinal()] = (double) standing / sojournHigh;
        shares[OverloadSignal.WORKER_QUEUE_DEPTH.ordinal()] =
                settings.queueDepthHigh() > 0 ? (double) depth / settings.queueDepthHigh() : 0;
        shares[OverloadSignal.EVENT_LOOP_LAG.ordinal()] = (double) judgedLag / lagHigh;
        shares[OverloadSignal.HEAP.ordinal()] = heap / settings.heapHigh();
        // What shedding relieves: the workers' queue, the loops' lag, the heap.
        double relieved = Math.max(Math.max(shares[OverloadSignal.WORKER_WAIT.ordinal()],
                        shares[OverloadSignal.WORKER_QUEUE_DEPTH.ordinal()]),
                Math.max(shares[OverloadSignal.EVENT_LOOP_LAG.ordinal()], shares[OverloadSignal.HEAP.ordinal()]));
        // A loop that runs inline applications serves what it reads between its reads, so near its capacity it meets
        // full read batches at any rate: read saturation is no evidence there, the lag (the wait of what it reads) is.
        // Measured 2026-11-26 on a 2 vCPU Xeon, TCP, registrar inline: read saturation 64-79% with a lag of 39-55 ms
        // began overload at 38,000/s offered, which the server served in full with the valve off, and goodput fell to
        // 83% of that at 1x and to 34% at 2x (18,398 against 53,772/s). Before (19:21-19:25, AMD EPYC) it counted with
        // a lag from the low mark up, and below it shed 503s at 16,250-17,500/s the server served in full.
        double judgedReads = loopsRanTasks ? 0 : reads;
        double readLoad = judgedReads / readHigh;
        shares[OverloadSignal.READ_SATURATION.ordinal()] = readLoad;
        shares[OverloadSignal.DATAGRAM_DROPS.ordinal()] = dropShare / settings.datagramDropHigh();
        shares[OverloadSignal.DATAGRAM_QUEUE.ordinal()] = queueShare;
        double workers = Math.max(relieved, readLoad);
        double load = Math.max(Math.max(workers, shares[OverloadSignal.DATAGRAM_DROPS.ordinal()]), queueShare);
        boolean calm = wait < sojournLow && lag < lagLow && heap < settings.heapLow() && judgedReads < readLow
                && dropShare < settings.datagramDropLow() && !queueStanding
                && (settings.queueDepthHigh() == 0 || depth < settings.queueDepthLow());
        boolean rateMode = settings.admission() == Admission.RATE;

        if (state == OverloadState.NORMAL && load >= 1) {
            state = OverloadState.OVERLOADED;
            OverloadSignal cause = strongest(shares);
            calmSince = NOT_CALM;
            // The reference is what the server served (worker completions), not what the valve let in: a burst of
            // admissions as the loops drain a full socket buffer is not capacity (measured: a reference of 20,823/s
            // from the admitted peak while the server served ~7,000/s, so the rate cut nothing). A load that has just
            // begun has not shown its rate yet: the recent peak of the served rate counts too.
            referenceRate = Math.max(MIN_RATE, peakRate);
            // Never more than arrives now: a cut of the rate must shed at once, not first eat into headroom above the
            // offered load.
            rate = Math.max(MIN_RATE, Math.min(referenceRate, arrivingRate));
            measuredLoss = 0;
            lastQueueCut = NOT_CALM;
            figures.overloadBegan(cause);
        }
        if (state == OverloadState.OVERLOADED) {
            if (rateMode) {
                boolean workersCalm = wait < sojournLow && heap < settings.heapLow()
                        && (settings.queueDepthHigh() == 0 || depth < settings.queueDepthLow());
                double before = rate;
                adjustRate(relieved, workersCalm && lag < lagLow && !queueStanding, workersCalm && lag < lagHigh,
                        readLoad, judgedReads, dropShare, droppedNow, admittedRate, queueShare, nowNanos);
                if (queueStanding && rate > before) {
                    // What the sockets hold waits, or is dropped once they are full, however fast it is admitted
                    // when read: admit no more until the loops have read it down.
                    rate = before;
                }
                if (settings.readAllDatagrams() && dropShare >= settings.datagramDropLow()) {
                    rate = readAllCap(arrivalsToRead);
                }
            } else {
                adjust(load);
            }
            boolean ended = calm && !(rateMode && shedNow > 0);
            if (!ended) {
                calmSince = NOT_CALM;
            } else if (calmSince == NOT_CALM) {
                calmSince = nowNanos;
            } else if (nowNanos - calmSince >= holdNanos) {
                state = OverloadState.NORMAL;
                admitNew = 1;
                admitRefresh = 1;
                rate = 0;
                measuredLoss = 0;
                figures.overloadEnded();
            }
        }
        figures.sampled(signals, wait, loopLag, heap, reads, signals.readBusy(), newWorkLoss(), refreshLoss());
        figures.sampledCompilation(compiled < 0 ? -1 : compilingShare);
        figures.sampledDrops(drops, dropShare, limiting() ? rate : 0);
        figures.sampledDatagramQueue(signals.datagramQueueBytes());
    }

    /**
     * @param relievedCalm every signal shedding relieves below its low mark
     * @param workersCalmBesideTheLoop the workers' wait and queue and the heap below their low marks, the event-loop lag
     *        below its high mark: what says the workers keep up while the loop meets a backlog
     */
    private void adjustRate(double relieved, boolean relievedCalm, boolean workersCalmBesideTheLoop, double readLoad,
                            double reads, double dropShare, long droppedNow, double admittedRate, double queueShare,
                            long nowNanos) {
        // Read saturation says the loop meets a backlog, not that the server cannot serve more: while the workers are
        // calm and serve all that is admitted, the rate is what holds goodput down and must climb (measured 2026-11-26
        // 11:05, TCP at 40,000/s offered, read saturation above its mark: held at 90% of a reference taken as the load
        // began, 30,760/s served against 40,000/s valve off). The workers' signals then stop the climb (hold from their
        // low marks, cut from their high ones): on one core, work admitted beyond capacity shows as their wait.
        // The loop's own lag between its marks does not stop the climb: a loop that meets a backlog runs its probes
        // late behind full read batches whatever the valve admits (22-31 ms at 1x over TCP on 2026-11-26, 13:32, and
        // 24 ms at the end of the 1x step at 14:20, where the valve shed 14% of what the server served valve off); at
        // its high mark it cuts the rate as before.
        // Without completions reported the served rate is the admitted rate, so "keeping up" would hold by definition
        // and read saturation would only ever raise the rate (seen 2026-11-26 on an AMD EPYC: a stack whose user
        // answers on the loop at 2,500/s, offered 8,000/s, went overloaded at 55% read saturation and shed nothing).
        boolean workersKeepUp = completionsReported && workersCalmBesideTheLoop && servedRate >= KEEP_UP * admittedRate;
        if (relieved > 1) {
            rate = Math.max(MIN_RATE, rate * (1 - settings.reductionGain() * (1 - 1 / relieved)));
        } else if (queueShare >= 1) {
            // A standing queue in the UDP sockets: the loops do not read as fast as datagrams arrive, so each waits
            // behind a full queue or is dropped before it can be sorted, a BYE as much as a new REGISTER, and a
            // dropped request comes back as retransmissions (up to 1.08 million in an 8 s step at 2-3x, measured
            // 2026-11-28). Admitting less is meant to leave the loops the CPU to read and shed the excess; on one core
            // it did not (the queue still stood at the floor, the JIT, the collector and the location write-back
            // sharing the core: tests/bench/README.md, session 21), hence the signal is off by default. Once per
            // window: its least value answers a cut only a window later, and cutting every evaluation overshoots.
            if (lastQueueCut == NOT_CALM || nowNanos - lastQueueCut >= queueWindowNanos) {
                double floor = Math.min(rate, QUEUE_FLOOR * referenceRate);
                rate = Math.max(floor, rate * (1 - settings.reductionGain() * (1 - 1 / queueShare)));
                lastQueueCut = nowNanos;
            }
        } else if (readLoad > 1 && workersKeepUp) {
            climbWithServed();
        } else if (readLoad > 1) {
            // A loop cut off from its sockets' backlog reads what arrives whatever the valve decides, so shedding does
            // not bring this signal down: cut as for the workers, but never below the drop floor (measured
            // 2026-11-26, TCP at 24,000/s offered: cut by it without a floor, the rate fell to 11,542/s served against
            // 24,000/s with the valve off, read saturation staying at 52% all along). Below the floor (left there by a
            // cut for the workers) it climbs back to it, as between the marks: held there, it stayed for the rest of
            // the load whatever the workers did.
            double floor = DROP_FLOOR * referenceRate;
            rate = rate < floor ? Math.min(floor, raised())
                    : Math.max(floor, rate * (1 - settings.reductionGain() * (1 - 1 / readLoad)));
        } else if (dropShare >= settings.datagramDropLow() && relievedCalm) {
            // The sockets drop but the workers keep up with all they are given: the rate is below what the server
            // serves, and the reference with it (taken as a load began, measured 8,425/s served at the start of a
            // 24,000/s step that the server, valve off, served at 17,550/s). Climb, and let the reference follow.
            climbWithServed();
        } else if (dropShare >= settings.datagramDropLow()) {
            // Summed over the evaluations of a second, the cut is gain x shedCost x the drops of that second.
            if (droppedNow > 0) {
                double floor = Math.min(rate, DROP_FLOOR * referenceRate);
                rate = Math.max(floor, rate - settings.reductionGain() * settings.shedCost() * droppedNow);
            }
        } else if (reads >= readLow && workersKeepUp) {
            climbWithServed();
        } else if (reads >= readLow) {
            // The loop still meets a backlog now and then: hold the rate, but read saturation alone never holds it
            // below the floor it alone may cut to. After the workers' cut (a sojourn spike), it climbs back to that
            // floor (measured 2026-11-26, TCP at 24,000/s offered, read saturation between its marks: held at the
            // 13,266/s the sojourn cut had left, against 24,000/s served with the valve off).
            double floor = DROP_FLOOR * referenceRate;
            if (rate < floor) {
                rate = Math.min(floor, raised());
            }
        } else {
            rate = Math.max(rate, Math.min(raised(), Math.max(referenceRate, OFFERED_HEADROOM * offeredRate)));
        }
    }

    /**
     * {@link OverloadSettings#readAllDatagrams()}: the admitted rate that leaves the CPU to read and shed every
     * arrival. Serving the reference rate takes the whole CPU; serving {@code R} and shedding the rest of {@code A}
     * arrivals at {@code shedCost} each fits it while {@code R + (A - R) shedCost <= reference}. The kernel's drops
     * are counted as arrivals: once read, they are shed with a 503 that ends their transaction, where a dropped
     * request comes back as retransmissions. Never raises the rate, nor cuts it below {@value #QUEUE_FLOOR} of the
     * reference: below that, the kernel's drop costs less goodput than reading would.
     */
    private double readAllCap(double arrivals) {
        double cost = Math.min(settings.shedCost(), 0.99);
        double budget = (referenceRate - arrivals * cost) / (1 - cost);
        double floor = Math.min(rate, QUEUE_FLOOR * referenceRate);
        return Math.max(Math.max(MIN_RATE, floor), Math.min(rate, budget));
    }

    /**
     * Whether the loops' lag is taken as overload now: completions are not reported, or the oldest task waits at least
     * the sojourn's low mark, or the workers serve less than {@link #KEEP_UP} of what is admitted (with a slack of
     * {@value #MIN_RATE}/s, so that a handful of requests in flight at a trickle is not taken for falling behind).
     */
    private boolean lagCounts(long completed, long wait, double admittedRate) {
        return completed < 0 || wait >= sojournLow || servedRate < KEEP_UP * admittedRate - MIN_RATE;
    }

    /**
     * The signal with the largest share of its high mark, {@code shares} indexed by {@link OverloadSignal#ordinal()}
     * (the first of equals).
     */
    private static OverloadSignal strongest(double[] shares) {
        int strongest = 0;
        for (int i = 1; i < shares.length; i++) {
            if (shares[i] > shares[strongest]) {
                strongest = i;
            }
        }
        return OverloadSignal.values()[strongest];
    }

    /**
     * The rate is below what the server serves: climb by one step, up to the headroom over the offered rate, and let
     * the reference (the floor's base) follow the served rate.
     */
    private void climbWithServed() {
        referenceRate = Math.max(referenceRate, servedRate);
        rate = Math.max(rate, Math.min(raised(), Math.max(referenceRate, OFFERED_HEADROOM * offeredRate)));
    }

    /** One evaluation's climb: by {@code rateIncrease} of the rate, at least of the reference rate. */
    private double raised() {
        return Math.max(rate * (1 + settings.rateIncrease()), rate + settings.rateIncrease() * referenceRate);
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

    /** True while new work is admitted at {@link #admissionRate()} (rate admission, overloaded). */
    boolean limiting() {
        return state == OverloadState.OVERLOADED && settings.admission() == Admission.RATE;
    }

    /** The rate new work and refreshes are admitted at while {@link #limiting()}, per second. */
    double admissionRate() {
        return rate;
    }

    /** The rate new work was admitted at, recently or over the drop window, whichever is larger, per second. */
    double admittedRate() {
        return admittedRates.rate();
    }

    /**
     * The rate the server served at (worker completions; the admitted rate where completions are not reported),
     * recently or over the drop window, whichever is larger, per second.
     */
    double servedRate() {
        return servedRate;
    }

    /** The rate overload's admission started from: the served rate's recent peak, per second (0 before any). */
    double referenceRate() {
        return referenceRate;
    }

    /**
     * The share of new work shed. Under rate admission: the measured share, but at least {@value #MIN_RATE_LOSS} while
     * overloaded, as the valve then refuses whatever exceeds the rate, from the first request on. The loss is what
     * the 503s tell an RFC 7339 upstream, and one carrying {@code oc=0} (measured: the 503s of the first evaluation
     * interval, before any shed request was counted) would tell it that nothing is asked while it is being refused.
     */
    double newWorkLoss() {
        if (state == OverloadState.NORMAL) {
            return 0;
        }
        return settings.admission() == Admission.RATE ? Math.max(MIN_RATE_LOSS, measuredLoss) : 1 - admitNew;
    }

    double refreshLoss() {
        return state == OverloadState.NORMAL || settings.admission() == Admission.RATE ? 0 : 1 - admitRefresh;
    }
}
