package org.sipcity.stack.overload;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds and behaviour of the {@link SojournTimeValve}. The valve enters overload when any signal reaches its
 * high threshold and leaves it when every signal has stayed below its low threshold for the hold time
 * (hysteresis: the band between the two keeps the state from flapping).
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 * <tr><td>sojournHigh / sojournLow</td><td>100 ms / 20 ms</td><td>waiting time of the oldest worker task; the
 *     high mark leaves room under a 200 ms p99 response time</td></tr>
 * <tr><td>sojournWindow</td><td>500 ms</td><td>the sojourn signal is the shortest oldest-task wait seen over this
 *     window (CoDel's standing-queue test): a stall of the workers shorter than {@code sojournHigh + sojournWindow},
 *     600 ms (a database flush, a GC pause, the host descheduling the process: 100-450 ms measured on a loaded
 *     2-core host) does not start overload (the end of overload is judged on the current wait); 0 judges each
 *     evaluation alone</td></tr>
 * <tr><td>queueDepthHigh / queueDepthLow</td><td>10000 / 2000</td><td>waiting worker tasks; 0 disables</td></tr>
 * <tr><td>lagHigh / lagLow</td><td>150 ms / 20 ms</td><td>event-loop scheduling delay; above a G1 pause of its 50 ms
 *     target and the backlog a busy loop works through after one, which must not shed work (at 100 ms the valve shed
 *     1-2% of TCP REGISTERs at 50,000/s on a 2 vCPU Xeon where the server, valve off, answered 75,000-80,000/s on
 *     time; 150 ms passed 65,000/s), and under the 200 ms p99 the valve keeps for what it accepts</td></tr>
 * <tr><td>heapHigh / heapLow</td><td>0.90 / 0.75</td><td>heap occupancy after GC</td></tr>
 * <tr><td>readSaturationHigh / readSaturationLow</td><td>0.50 / 0.20</td><td>share of wall time an event loop
 *     spends in read batches cut off at the read cap with data still waiting in the socket, over
 *     {@code readSaturationWindow}, for the loop where it is largest: where the excess of an overload waits (or, over
 *     UDP, is dropped by the kernel) when the worker queue and the lag probes see nothing</td></tr>
 * <tr><td>readSaturationWindow</td><td>1 s</td><td>the window of that share: a loop must be cut off for half of it
 *     to start overload, so a pause {@code s} at utilisation {@code u}, cut off for about {@code s / (1 - u)}
 *     (the pause, then the drain), does so only above 500 ms at {@code u} = 0 and 250 ms at {@code u} = 0.5</td></tr>
 * <tr><td>datagramDropHigh / datagramDropLow</td><td>0.20 / 0.10</td><td>share of the datagrams arriving at the
 *     server's UDP sockets (dropped plus inspected by the valve, every transport) that the kernel dropped at a full
 *     receive queue over {@code datagramDropWindow}: the excess of a UDP overload, which the event loops never see
 *     (read from the sockets' own drop counters, {@link org.sipcity.stack.transport.DatagramDrops}). Not lower: below its
 *     capacity a UDP socket drops a few per cent of arrivals in bursts behind young pauses (2.5-6.1% at half the
 *     capacity, 18% at the capacity, measured 2026-11-27 with the server pinned on one core), which retransmissions
 *     recover; at 2% / 1% the valve took them for overload with the workers idle. The gain in goodput is not
 *     established (at 1x: 53-78% of the capacity at 2% / 1%, 93% and 53% in two runs at 20% / 10%;
 *     tests/bench/README.md, "Session 12")</td></tr>
 * <tr><td>datagramDropWindow</td><td>1 s</td><td>the window of that share</td></tr>
 * <tr><td>datagramQueueHigh / datagramQueueLow</td><td>0 / 0 (off)</td><td>bytes waiting in the UDP sockets'
 *     receive queues (as the kernel charges them, about 1,280 per REGISTER) that the event loops have not read: a
 *     standing queue, its least value over {@code datagramQueueWindow} at or above the high mark, begins overload and
 *     cuts the admitted rate once per window so that the loops, shedding more, can read it away (CoDel's test: a
 *     young pause fills the queue for a moment, a server that cannot drain it keeps it full, and every datagram behind
 *     it waits or is dropped before anything can sort it). While its least value over the window is above the low
 *     mark the rate does not climb and overload does not end. 0 / 0 disables the signal: measured on 2026-11-28 (2 vCPU
 *     AMD EPYC, UDP at 1-3x, 13 steps each way), at 1 MiB / 256 KiB the kernel dropped less in 8 of 13 steps and as
 *     many or more in-dialog requests were served in 10, but less new work in 11 (often half), the queue still
 *     standing at 4.4-6.2 MiB at the rate's floor in 7 of the 9 steps at 2-3x: the event loop lacked the time to read
 *     for reasons other than the admitted work (the JIT, the collector, the location write-back share its core).
 *     For a node that values its in-dialog requests over goodput</td></tr>
 * <tr><td>datagramQueueWindow</td><td>1 s</td><td>the window of the standing queue, and the time between two of
 *     its cuts</td></tr>
 * <tr><td>admission</td><td>RATE</td><td>how new work is admitted while overloaded: {@link Admission#RATE}, at the
 *     rate the server was admitting it when overload began, cut while the workers are overloaded or the sockets
 *     drop, raised while calm, the rest shed (RFC 7415's rate-based control, applied at the server itself); or
 *     {@link Admission#LOSS}, a fraction cut while any signal is above its high mark (RFC 7339 Appendix B)</td></tr>
 * <tr><td>rateIncrease</td><td>0.05</td><td>rate admission: share of the admitted rate (at least of the rate when
 *     overload began) added per evaluation while the workers are below their high marks and the sockets do not
 *     drop (four times in 1.4 s; up to 1.25 times the offered rate; the workers' signals cut it back)</td></tr>
 * <tr><td>shedCost</td><td>0.1</td><td>rate admission: the CPU of shedding one request as a share of serving one
 *     (measured 0.06-0.08): while the sockets drop {@code d} datagrams a second, the admitted rate gives up about
 *     {@code shedCost d} a second so that the event loops can read, and shed, what the kernel dropped</td></tr>
 * <tr><td>heapReadingMaxAge</td><td>5 s</td><td>how long an after-GC figure is trusted without a further
 *     collection; older, it reads 0: an idle server does not collect, and its last figure, taken at the peak,
 *     must not hold it in overload (with the hold time, an idle server is back to normal within 7 s)</td></tr>
 * <tr><td>holdTime</td><td>2 s</td><td>how long every signal must stay below its low mark before overload ends</td></tr>
 * <tr><td>evaluationInterval</td><td>50 ms</td><td>how often the controller reads the signals</td></tr>
 * <tr><td>lagProbeInterval</td><td>100 ms</td><td>how often each event loop's lag is measured</td></tr>
 * <tr><td>lagLateProbes</td><td>5</td><td>consecutive probes a loop must be late in for its lag to count (the
 *     smallest of their lateness is the signal): one pause shorter than {@code lagHigh + (lagLateProbes - 1)
 *     lagProbeInterval}, 550 ms by default, does not start overload (three probes in a row 100-127 ms late were
 *     seen on an idle server on a host at load 20)</td></tr>
 * <tr><td>reductionGain</td><td>0.5</td><td>share of the measured excess removed per evaluation: with the load
 *     at {@code p} times its high mark, the admitted fraction is multiplied by {@code 1 - gain (1 - 1/p)}</td></tr>
 * <tr><td>recoveryStep</td><td>0.05</td><td>admitted fraction given back per evaluation while below the high
 *     marks (full recovery in 20 evaluations, 1 s)</td></tr>
 * <tr><td>retryAfterMin / retryAfterMax</td><td>5 s / 15 s</td><td>Retry-After of a 503, uniformly random
 *     in between so refused clients do not return in lockstep</td></tr>
 * <tr><td>dropOnUdp</td><td>false</td><td>shed UDP requests silently instead of answering 503 (the client's
 *     retransmissions then still cost; a 503 ends its transaction)</td></tr>
 * <tr><td>readAllDatagrams</td><td>false</td><td>rate admission: while the UDP sockets drop, admit no more than
 *     leaves the event loops the CPU to read and shed everything that arrives, {@code (reference - arrivals
 *     shedCost) / (1 - shedCost)}, never below half the reference: in-dialog requests and responses then reach the
 *     valve instead of the kernel's indiscriminate drop, at a cost in goodput (measured in the module's README)</td></tr>
 * <tr><td>ocValidity</td><td>1 s</td><td>RFC 7339 {@code oc-validity} sent while shedding</td></tr>
 * </table>
 */
public record OverloadSettings(
        Duration sojournHigh, Duration sojournLow, Duration sojournWindow,
        int queueDepthHigh, int queueDepthLow,
        Duration lagHigh, Duration lagLow,
        double heapHigh, double heapLow, Duration heapReadingMaxAge,
        double readSaturationHigh, double readSaturationLow, Duration readSaturationWindow,
        double datagramDropHigh, double datagramDropLow, Duration datagramDropWindow,
        long datagramQueueHigh, long datagramQueueLow, Duration datagramQueueWindow,
        Admission admission, double rateIncrease, double shedCost,
        Duration holdTime, Duration evaluationInterval, Duration lagProbeInterval, int lagLateProbes,
        double reductionGain, double recoveryStep,
        int retryAfterMin, int retryAfterMax,
        boolean dropOnUdp, boolean readAllDatagrams, Duration ocValidity) {

    public OverloadSettings {
        Objects.requireNonNull(sojournHigh, "sojournHigh");
        Objects.requireNonNull(sojournLow, "sojournLow");
        Objects.requireNonNull(sojournWindow, "sojournWindow");
        Objects.requireNonNull(lagHigh, "lagHigh");
        Objects.requireNonNull(lagLow, "lagLow");
        Objects.requireNonNull(heapReadingMaxAge, "heapReadingMaxAge");
        Objects.requireNonNull(readSaturationWindow, "readSaturationWindow");
        Objects.requireNonNull(datagramDropWindow, "datagramDropWindow");
        Objects.requireNonNull(datagramQueueWindow, "datagramQueueWindow");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(holdTime, "holdTime");
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(lagProbeInterval, "lagProbeInterval");
        Objects.requireNonNull(ocValidity, "ocValidity");
        requireBand("sojourn", sojournLow.toNanos(), sojournHigh.toNanos());
        requireBand("lag", lagLow.toNanos(), lagHigh.toNanos());
        if (queueDepthHigh != 0) {
            requireBand("queue depth", queueDepthLow, queueDepthHigh);
        }
        if (!(heapLow > 0 && heapLow < heapHigh && heapHigh <= 1)) {
            throw new IllegalArgumentException("heap thresholds need 0 < low < high <= 1: " + heapLow + ", " + heapHigh);
        }
        if (!(readSaturationLow > 0 && readSaturationLow < readSaturationHigh && readSaturationHigh <= 1)) {
            throw new IllegalArgumentException("read saturation thresholds need 0 < low < high <= 1: "
                    + readSaturationLow + ", " + readSaturationHigh);
        }
        if (readSaturationWindow.compareTo(evaluationInterval) < 0) {
            throw new IllegalArgumentException("readSaturationWindow must span at least one evaluation interval: "
                    + readSaturationWindow);
        }
        if (!(datagramDropLow > 0 && datagramDropLow < datagramDropHigh && datagramDropHigh <= 1)) {
            throw new IllegalArgumentException("datagram drop thresholds need 0 < low < high <= 1: "
                    + datagramDropLow + ", " + datagramDropHigh);
        }
        if (datagramDropWindow.compareTo(evaluationInterval) < 0) {
            throw new IllegalArgumentException("datagramDropWindow must span at least one evaluation interval: "
                    + datagramDropWindow);
        }
        if (datagramQueueHigh != 0 || datagramQueueLow != 0) {
            requireBand("datagram queue", datagramQueueLow, datagramQueueHigh);
        }
        if (datagramQueueWindow.compareTo(evaluationInterval) < 0) {
            throw new IllegalArgumentException("datagramQueueWindow must span at least one evaluation interval: "
                    + datagramQueueWindow);
        }
        if (!(rateIncrease > 0 && rateIncrease <= 1) || !(shedCost >= 0 && shedCost <= 1)) {
            throw new IllegalArgumentException("rate increase must be in (0, 1] and shed cost in [0, 1]: "
                    + rateIncrease + ", " + shedCost);
        }
        if (holdTime.isNegative() || sojournWindow.isNegative() || !isPositive(evaluationInterval) || !isPositive(lagProbeInterval)
                || ocValidity.isNegative()) {
            throw new IllegalArgumentException("hold time, sojourn window and oc-validity must not be negative, intervals must be positive");
        }
        if (!isPositive(heapReadingMaxAge)) {
            throw new IllegalArgumentException("heapReadingMaxAge must be positive: " + heapReadingMaxAge);
        }
        if (lagLateProbes < 1) {
            throw new IllegalArgumentException("lagLateProbes must be at least 1: " + lagLateProbes);
        }
        if (!(reductionGain > 0 && reductionGain <= 1) || !(recoveryStep > 0 && recoveryStep <= 1)) {
            throw new IllegalArgumentException("reduction gain and recovery step must be in (0, 1]");
        }
        if (retryAfterMin < 0 || retryAfterMax < retryAfterMin) {
            throw new IllegalArgumentException("Retry-After range must be 0 <= min <= max: " + retryAfterMin + "-" + retryAfterMax);
        }
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void requireBand(String what, long low, long high) {
        if (!(low > 0 && low < high)) {
            throw new IllegalArgumentException(what + " thresholds need 0 < low < high: " + low + ", " + high);
        }
    }

    public static OverloadSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sojournHigh = sojournHigh;
        b.sojournLow = sojournLow;
        b.sojournWindow = sojournWindow;
        b.queueDepthHigh = queueDepthHigh;
        b.queueDepthLow = queueDepthLow;
        b.lagHigh = lagHigh;
        b.lagLow = lagLow;
        b.heapHigh = heapHigh;
        b.heapLow = heapLow;
        b.heapReadingMaxAge = heapReadingMaxAge;
        b.readSaturationHigh = readSaturationHigh;
        b.readSaturationLow = readSaturationLow;
        b.readSaturationWindow = readSaturationWindow;
        b.datagramDropHigh = datagramDropHigh;
        b.datagramDropLow = datagramDropLow;
        b.datagramDropWindow = datagramDropWindow;
        b.datagramQueueHigh = datagramQueueHigh;
        b.datagramQueueLow = datagramQueueLow;
        b.datagramQueueWindow = datagramQueueWindow;
        b.admission = admission;
        b.rateIncrease = rateIncrease;
        b.shedCost = shedCost;
        b.holdTime = holdTime;
        b.evaluationInterval = evaluationInterval;
        b.lagProbeInterval = lagProbeInterval;
        b.lagLateProbes = lagLateProbes;
        b.reductionGain = reductionGain;
        b.recoveryStep = recoveryStep;
        b.retryAfterMin = retryAfterMin;
        b.retryAfterMax = retryAfterMax;
        b.dropOnUdp = dropOnUdp;
        b.readAllDatagrams = readAllDatagrams;
        b.ocValidity = ocValidity;
        return b;
    }

    /** Builds settings from the documented defaults. */
    public static final class Builder {
        private Duration sojournHigh = Duration.ofMillis(100);
        private Duration sojournLow = Duration.ofMillis(20);
        private Duration sojournWindow = Duration.ofMillis(500);
        private int queueDepthHigh = 10_000;
        private int queueDepthLow = 2_000;
        private Duration lagHigh = Duration.ofMillis(150);
        private Duration lagLow = Duration.ofMillis(20);
        private double heapHigh = 0.90;
        private double heapLow = 0.75;
        private Duration heapReadingMaxAge = Duration.ofSeconds(5);
        private double readSaturationHigh = 0.50;
        private double readSaturationLow = 0.20;
        private Duration readSaturationWindow = Duration.ofSeconds(1);
        private double datagramDropHigh = 0.20;
        private double datagramDropLow = 0.10;
        private Duration datagramDropWindow = Duration.ofSeconds(1);
        private long datagramQueueHigh;
        private long datagramQueueLow;
        private Duration datagramQueueWindow = Duration.ofSeconds(1);
        private Admission admission = Admission.RATE;
        private double rateIncrease = 0.05;
        private double shedCost = 0.1;
        private Duration holdTime = Duration.ofSeconds(2);
        private Duration evaluationInterval = Duration.ofMillis(50);
        private Duration lagProbeInterval = Duration.ofMillis(100);
        private int lagLateProbes = 5;
        private double reductionGain = 0.5;
        private double recoveryStep = 0.05;
        private int retryAfterMin = 5;
        private int retryAfterMax = 15;
        private boolean dropOnUdp;
        private boolean readAllDatagrams;
        private Duration ocValidity = Duration.ofSeconds(1);

        private Builder() {
        }

        public Builder sojourn(Duration high, Duration low) {
            this.sojournHigh = high;
            this.sojournLow = low;
            return this;
        }

        /** Window over which the shortest oldest-task wait is the sojourn signal; zero: each evaluation alone. */
        public Builder sojournWindow(Duration window) {
            this.sojournWindow = window;
            return this;
        }

        /** Queue depth thresholds; {@code high = 0} disables the signal. */
        public Builder queueDepth(int high, int low) {
            this.queueDepthHigh = high;
            this.queueDepthLow = low;
            return this;
        }

        public Builder eventLoopLag(Duration high, Duration low) {
            this.lagHigh = high;
            this.lagLow = low;
            return this;
        }

        public Builder heapOccupancy(double high, double low) {
            this.heapHigh = high;
            this.heapLow = low;
            return this;
        }

        /** How long an after-GC heap figure counts without a further collection; older, it reads 0. */
        public Builder heapReadingMaxAge(Duration maxAge) {
            this.heapReadingMaxAge = maxAge;
            return this;
        }

        /** Share of the window an event loop spends in read batches cut off with data still waiting, 0.0-1.0. */
        public Builder readSaturation(double high, double low) {
            this.readSaturationHigh = high;
            this.readSaturationLow = low;
            return this;
        }

        public Builder readSaturationWindow(Duration window) {
            this.readSaturationWindow = window;
            return this;
        }

        /** Share of the datagrams arriving at the UDP sockets that the kernel dropped, 0.0-1.0, over the window. */
        public Builder datagramDrops(double high, double low) {
            this.datagramDropHigh = high;
            this.datagramDropLow = low;
            return this;
        }

        public Builder datagramDropWindow(Duration window) {
            this.datagramDropWindow = window;
            return this;
        }

        /**
         * Bytes waiting in the UDP sockets' receive queues: a standing queue (the least over the window) at
         * {@code high} begins overload, above {@code low} the admitted rate does not climb; {@code 0, 0} disables the
         * signal.
         */
        public Builder datagramQueue(long high, long low) {
            this.datagramQueueHigh = high;
            this.datagramQueueLow = low;
            return this;
        }

        /** The window whose least queue is the standing queue, and the time between two of its cuts. */
        public Builder datagramQueueWindow(Duration window) {
            this.datagramQueueWindow = window;
            return this;
        }

        /** How new work is admitted once overloaded: at a measured rate (default) or by a loss fraction. */
        public Builder admission(Admission admission) {
            this.admission = admission;
            return this;
        }

        /** Rate admission: share of the reference rate added to the admitted rate per calm evaluation. */
        public Builder rateIncrease(double increase) {
            this.rateIncrease = increase;
            return this;
        }

        /** Rate admission: CPU of one shed request as a share of one served (what the admitted rate gives up per
         *  datagram the kernel drops). */
        public Builder shedCost(double cost) {
            this.shedCost = cost;
            return this;
        }

        public Builder holdTime(Duration holdTime) {
            this.holdTime = holdTime;
            return this;
        }

        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = interval;
            return this;
        }

        public Builder lagProbeInterval(Duration interval) {
            this.lagProbeInterval = interval;
            return this;
        }

        /** How many consecutive probes a loop must be late in before its lag counts. */
        public Builder lagLateProbes(int probes) {
            this.lagLateProbes = probes;
            return this;
        }

        public Builder reductionGain(double gain) {
            this.reductionGain = gain;
            return this;
        }

        public Builder recoveryStep(double step) {
            this.recoveryStep = step;
            return this;
        }

        public Builder retryAfter(int minSeconds, int maxSeconds) {
            this.retryAfterMin = minSeconds;
            this.retryAfterMax = maxSeconds;
            return this;
        }

        public Builder dropOnUdp(boolean drop) {
            this.dropOnUdp = drop;
            return this;
        }

        /** See the class's table: admit only what leaves the loops the CPU to read all that arrives over UDP. */
        public Builder readAllDatagrams(boolean readAll) {
            this.readAllDatagrams = readAll;
            return this;
        }

        public Builder ocValidity(Duration validity) {
            this.ocValidity = validity;
            return this;
        }

        public OverloadSettings build() {
            return new OverloadSettings(sojournHigh, sojournLow, sojournWindow, queueDepthHigh, queueDepthLow, lagHigh, lagLow,
                    heapHigh, heapLow, heapReadingMaxAge, readSaturationHigh, readSaturationLow, readSaturationWindow,
                    datagramDropHigh, datagramDropLow, datagramDropWindow, datagramQueueHigh, datagramQueueLow,
                    datagramQueueWindow, admission, rateIncrease, shedCost, holdTime, evaluationInterval, lagProbeInterval, lagLateProbes, reductionGain, recoveryStep,
                    retryAfterMin, retryAfterMax, dropOnUdp, readAllDatagrams, ocValidity);
        }
    }
}
