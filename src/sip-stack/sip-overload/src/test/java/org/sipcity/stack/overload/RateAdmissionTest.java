package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.overload.Messages.request;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.TransportType;

/**
 * Rate admission ({@link Admission#RATE}, the default) and the UDP sockets' kernel drops as a signal: decisions on a
 * fake clock and fake signals, every evaluation driven by the test.
 */
class RateAdmissionTest {

    private static final long EVALUATION = Duration.ofMillis(50).toNanos();
    /**
     * The drop marks of these scenarios, 2% / 1%: the defaults until 2026-11-27, below which a few dropped datagrams
     * already count; the rules under test do not depend on where the marks are.
     */
    private static final OverloadSettings SETTINGS = OverloadSettings.builder().sojournWindow(Duration.ZERO)
            .datagramDrops(0.02, 0.01).build();

    private final FakeSignals signals = new FakeSignals();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong millis = new AtomicLong(1_764_000_000_000L);
    private final TestFlow udp = new TestFlow(TransportType.UDP);
    /** The scenarios' settings with the standing-queue signal on, at the marks its documentation suggests. */
    private static final OverloadSettings QUEUE_SIGNAL = SETTINGS.toBuilder().datagramQueue(1 << 20, 256 << 10).build();

    private SojournTimeValve valve = valveWith(SETTINGS);

    private SojournTimeValve valveWith(OverloadSettings settings) {
        return new SojournTimeValve(settings, null, signals, nanos::get, millis::get, () -> 0.5);
    }

    private static final String NEW_REGISTER = request("REGISTER", "<sip:bob@city.example.net>");
    private static final String REFRESH = request("REGISTER", "<sip:bob@city.example.net>", "Authorization: Digest username=\"bob\"");
    private static final String BYE = request("BYE", "<sip:bob@city.example.net>;tag=b1");
    private static final String RESPONSE = Messages.lines("SIP/2.0 200 OK", "Via: SIP/2.0/UDP a;branch=z9hG4bK1",
            "From: <sip:a@b>;tag=1", "To: <sip:b@c>;tag=2", "Call-ID: c", "CSeq: 1 OPTIONS", "Content-Length: 0", "");

    /** {@code count} messages arrive in one evaluation interval, then it ends; the verdicts by kind. */
    private Map<Verdict, Integer> interval(int count, String message, long drops) {
        return interval(count, message, drops, 0);
    }

    /** The same, the workers finishing {@code served} tasks in the interval (once completions are reported). */
    private Map<Verdict, Integer> interval(int count, String message, long drops, long served) {
        Map<Verdict, Integer> verdicts = offer(count, message);
        signals.datagramDrops += drops;
        if (signals.completedTasks >= 0) {
            signals.completedTasks += served;
        }
        nanos.addAndGet(EVALUATION);
        millis.addAndGet(EVALUATION / 1_000_000);
        valve.evaluate();
        return verdicts;
    }

    private Map<Verdict, Integer> offer(int count, String message) {
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        for (int i = 0; i < count; i++) {
            ByteBuf buf = Messages.buffer(message);
            try {
                verdicts.merge(valve.inspect(Messages.classify(buf), buf, udp), 1, Integer::sum);
            } finally {
                buf.release();
            }
        }
        return verdicts;
    }

    /** One second at 2,000 new REGISTERs a second (100 per evaluation) with nothing dropped: the reference. */
    private void servedAtTwoThousandASecond() {
        for (int i = 0; i < 20; i++) {
            interval(100, NEW_REGISTER, 0);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
    }

    /** The kernel then drops 20 datagrams an evaluation beside the 100 read (17% of arrivals): overload begins. */
    private void socketsStartDropping() {
        for (int i = 0; i < 3 && valve.state() == OverloadState.NORMAL; i++) {
            interval(100, NEW_REGISTER, 20);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    /**
     * With the default marks (20% / 10%) the few per cent a UDP socket drops in bursts below its capacity (2.5-6.1% of
     * arrivals at half the capacity behind young pauses, measured 2026-11-27) do not begin overload; a sustained
     * quarter of the arrivals does.
     */
    @Test
    void defaultMarksTakeBurstDropsForNoOverloadButASustainedQuarterForOne() {
        valve = valveWith(OverloadSettings.builder().sojournWindow(Duration.ZERO).build());
        servedAtTwoThousandASecond();
        signals.waitMillis(50);

        for (int i = 0; i < 40; i++) {
            interval(100, NEW_REGISTER, 6); // 5.7% of arrivals for 2 s
        }
        assertThat(valve.figures().datagramDropShare()).isBetween(0.05, 0.06);
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);

        for (int i = 0; i < 40 && valve.state() == OverloadState.NORMAL; i++) {
            interval(100, NEW_REGISTER, 34); // 25% of arrivals
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().cause()).isEqualTo(OverloadSignal.DATAGRAM_DROPS);
    }

    /** The sockets' receive queue is shown to the operator as each evaluation read it. */
    @Test
    void theUdpSocketsQueueIsAFigureOfEachEvaluation() {
        arrivingAndServedAtTwoThousandASecond();
        signals.datagramQueueBytes = 3 << 20;
        interval(100, NEW_REGISTER, 0, 100);
        assertThat(valve.figures().datagramQueueBytes()).isEqualTo(3 << 20);

        signals.datagramQueueBytes = 0;
        interval(100, NEW_REGISTER, 0, 100);
        assertThat(valve.figures().datagramQueueBytes()).isZero();
    }

    /**
     * A young pause fills the sockets for a moment and the loops read them empty again within the window (the queue's
     * least value over it stays low): no overload, however full they were at the peak.
     */
    @Test
    void aQueueThatAPauseFillsAndTheLoopsDrainWithinTheWindowBeginsNoOverload() {
        valve = valveWith(QUEUE_SIGNAL);
        arrivingAndServedAtTwoThousandASecond();
        long[] afterPause = {6 << 20, 4 << 20, 2 << 20, 512 << 10, 0, 0, 0, 0, 0, 0};
        for (int pause = 0; pause < 10; pause++) {
            for (long bytes : afterPause) {
                signals.datagramQueueBytes = bytes;
                interval(100, NEW_REGISTER, 0, 100);
            }
        }

        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
    }

    /**
     * A queue that stays above the high mark for a whole window begins overload, named as its cause; the rate is cut
     * once per window (by the controller's factor of the queue's excess), never below half the reference, and held
     * between two cuts.
     */
    @Test
    void aStandingQueueBeginsOverloadAndCutsTheRateOncePerWindowDownToItsFloor() {
        valve = valveWith(QUEUE_SIGNAL);
        arrivingAndServedAtTwoThousandASecond();
        signals.datagramQueueBytes = 2 << 20; // twice the 1 MiB mark, for good
        for (int i = 0; i < 40 && valve.state() == OverloadState.NORMAL; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().cause()).isEqualTo(OverloadSignal.DATAGRAM_QUEUE);
        double first = valve.figures().admissionRate();
        double reference = 2_000;
        assertThat(first).as("cut at once by 1 - 0.5 (1 - 1/2) from the 2,000/s served")
                .isCloseTo(0.75 * reference, org.assertj.core.data.Offset.offset(reference * 0.05));

        for (int i = 0; i < 19; i++) { // the rest of the 1 s window: held
            interval(100, NEW_REGISTER, 0, 100);
            assertThat(valve.figures().admissionRate()).isEqualTo(first);
        }
        interval(100, NEW_REGISTER, 0, 100);
        assertThat(valve.figures().admissionRate()).as("a window later, cut again").isCloseTo(0.75 * first,
                org.assertj.core.data.Offset.offset(1.0));

        for (int i = 0; i < 200; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.figures().admissionRate()).as("never below half the reference")
                .isCloseTo(OverloadController.QUEUE_FLOOR * reference, org.assertj.core.data.Offset.offset(reference * 0.05));
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    /**
     * With the queue signal on and 2,000/s served, 3,000/s arrive and the sockets hold twice the 1 MiB mark for a whole
     * window: overload.
     */
    private void queueStandsAtTwiceItsMarkForAWindow() {
        valve = valveWith(QUEUE_SIGNAL);
        arrivingAndServedAtTwoThousandASecond();
        signals.datagramQueueBytes = 2 << 20;
        for (int i = 0; i < 21; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    /**
     * Once the loops have read the standing queue down below the high mark the cuts stop; while it is still above
     * the low mark the rate holds, and it climbs again, and overload ends, only once it is below.
     */
    @Test
    void theRateClimbsOnlyOnceTheLoopsHaveReadTheQueueBelowItsLowMark() {
        queueStandsAtTwiceItsMarkForAWindow();
        signals.datagramQueueBytes = 512 << 10; // read down, not yet below the 256 KiB low mark
        for (int i = 0; i < 10; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        double held = valve.figures().admissionRate();
        for (int i = 0; i < 40; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.figures().admissionRate()).as("held while the sockets still hold a backlog").isEqualTo(held);

        signals.datagramQueueBytes = 0;
        for (int i = 0; i < 20; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.figures().admissionRate()).as("climbing again").isGreaterThan(held);
        long calmFrom = nanos.get();
        while (valve.state() == OverloadState.OVERLOADED && nanos.get() - calmFrom < Duration.ofSeconds(10).toNanos()) {
            interval(50, NEW_REGISTER, 0, 50);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
    }

    /**
     * Regression: near the capacity each young pause leaves a backlog the loops take most of a second to read. Judged
     * on the current content, the rate was held through it and never climbed again (75% of the capacity served at 1x,
     * 2026-11-28); a queue read empty within each window lets it climb.
     */
    @Test
    void backlogsThatTheLoopsReadAwayWithinTheWindowDoNotHoldTheRate() {
        queueStandsAtTwiceItsMarkForAWindow();
        double cut = valve.figures().admissionRate();

        // A pause a second, read empty only at the end of it: above the low mark in 19 evaluations of 20.
        long[] afterPause = {3 << 20, 2 << 20, 2 << 20, 3 << 19, 1 << 20, 1 << 20, 1 << 20, 768 << 10, 768 << 10,
                512 << 10, 512 << 10, 512 << 10, 384 << 10, 384 << 10, 384 << 10, 320 << 10, 320 << 10, 300 << 10,
                280 << 10, 0};
        int admittedInTheLastSecond = 0;
        for (int pause = 0; pause < 4; pause++) {
            admittedInTheLastSecond = 0;
            for (long bytes : afterPause) {
                signals.datagramQueueBytes = bytes;
                admittedInTheLastSecond += interval(150, NEW_REGISTER, 0, 100).getOrDefault(Verdict.ADMIT, 0);
            }
        }

        assertThat(admittedInTheLastSecond).as("admitted well above the cut rate of %.0f/s", cut)
                .isGreaterThan((int) (1.5 * cut));
    }

    /**
     * By default (both queue marks 0) the queue is a figure only: measured on 2026-11-28, the signal cost goodput in
     * 11 of 13 UDP steps for fewer kernel drops and as many or more in-dialog requests served.
     */
    @Test
    void byDefaultTheQueueBeginsNoOverload() {
        valve = valveWith(OverloadSettings.builder().sojournWindow(Duration.ZERO).build());
        arrivingAndServedAtTwoThousandASecond();
        signals.datagramQueueBytes = 8 << 20;
        for (int i = 0; i < 40; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }

        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().datagramQueueBytes()).isEqualTo(8 << 20);
    }

    @Test
    void kernelDropsStartOverloadAndNewWorkIsAdmittedAtTheRateItWasServedAt() {
        servedAtTwoThousandASecond();
        signals.waitMillis(50); // the workers busy, between their marks: the drop signal rules the rate
        assertThat(valve.figures().datagramDropShare()).isZero();

        socketsStartDropping();

        assertThat(valve.figures().datagramDrops()).isPositive();
        assertThat(valve.figures().datagramDropShare()).isGreaterThan(SETTINGS.datagramDropHigh());
        // The loops now read everything (the socket no longer drops): 300 an evaluation, three times the rate.
        Map<Verdict, Integer> verdicts = interval(300, NEW_REGISTER, 0);
        assertThat(verdicts.get(Verdict.ADMIT)).as("about 2,000/s of 50 ms").isBetween(85, 105);
        assertThat(verdicts.get(Verdict.REJECT)).isEqualTo(300 - verdicts.get(Verdict.ADMIT));
        assertThat(valve.figures().admissionRate()).isBetween(1_700.0, 2_100.0);
    }

    /** Regression: the first 503s of an overload carried {@code oc=0}, asking an RFC 7339 upstream for nothing. */
    @Test
    void fromTheFirstEvaluationOfAnOverloadThe503sAskAnUpstreamForALoss() {
        servedAtTwoThousandASecond();
        socketsStartDropping();

        assertThat(valve.figures().newWorkLoss()).isGreaterThanOrEqualTo(OverloadController.MIN_RATE_LOSS);
        assertThat(valve.feedback().lossPercent()).isBetween(1, 100);
        assertThat(valve.feedback().validityMillis()).isPositive();
    }

    @Test
    void responsesAndInDialogRequestsAreAdmittedWhenTheRateIsSpent() {
        servedAtTwoThousandASecond();
        socketsStartDropping();
        offer(500, NEW_REGISTER); // the budget is spent

        assertThat(offer(200, BYE)).containsOnlyKeys(Verdict.ADMIT);
        assertThat(offer(200, RESPONSE)).containsOnlyKeys(Verdict.ADMIT);
        assertThat(valve.figures().shed(TrafficClass.IN_DIALOG)).isZero();
        assertThat(valve.figures().shed(TrafficClass.RESPONSE)).isZero();
    }

    @Test
    void aRefreshMayOverdrawTheBudgetByAQuarterSoRefreshesAreShedLast() {
        servedAtTwoThousandASecond();
        socketsStartDropping();
        offer(500, NEW_REGISTER);

        Map<Verdict, Integer> refreshes = offer(100, REFRESH);

        assertThat(refreshes.get(Verdict.ADMIT)).as("a quarter of a 100-request budget").isBetween(20, 27);
        assertThat(offer(1, NEW_REGISTER)).containsOnlyKeys(Verdict.REJECT);
    }

    @Test
    void whileTheSocketsDropTheRateGivesUpWhatReadingTheExcessCostsButNotBelowTheFloor() {
        servedAtTwoThousandASecond();
        signals.waitMillis(50); // the workers busy, between their marks: the drop signal rules the rate
        socketsStartDropping();
        double before = valve.figures().admissionRate();

        interval(300, NEW_REGISTER, 50); // 50 drops: gain 0.5 x shed cost 0.1 x 50 = 2.5/s less
        double after = valve.figures().admissionRate();
        assertThat(before - after).isCloseTo(2.5, org.assertj.core.data.Offset.offset(0.01));

        for (int i = 0; i < 200; i++) {
            interval(300, NEW_REGISTER, 500); // 10,000 drops a second, for 10 s
        }
        assertThat(valve.figures().admissionRate()).as("the drop signal alone stops at 75% of the reference")
                .isCloseTo(OverloadController.DROP_FLOOR * before, org.assertj.core.data.Offset.offset(before * 0.05));
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    /**
     * {@code readAllDatagrams}: at three times the 2,000/s served (the loop reads 100 an evaluation, the kernel drops
     * 200), the rate falls to what leaves the CPU to read and shed all 6,000/s at a shed cost of 0.1:
     * (2,000 - 600) / 0.9 = 1,556/s, below the drop floor the default keeps (checked on the same arrivals); with
     * arrivals beyond any budget, to half the reference, no lower.
     */
    @Test
    void readingAllDatagramsHoldsTheRateToWhatLeavesTheLoopsTheCpuToReadAndShedEverything() {
        for (boolean readAll : new boolean[] {false, true}) {
            valve = valveWith(SETTINGS.toBuilder().readAllDatagrams(readAll).build());
            servedAtTwoThousandASecond();
            signals.waitMillis(50); // the workers busy, between their marks: the drop signal rules the rate
            socketsStartDropping();
            for (int i = 0; i < 40; i++) {
                interval(100, NEW_REGISTER, 200);
            }
            if (readAll) {
                assertThat(valve.figures().admissionRate()).as("(2,000 - 6,000 x 0.1) / 0.9")
                        .isCloseTo(1_556, org.assertj.core.data.Offset.offset(80.0));
            } else {
                assertThat(valve.figures().admissionRate()).as("off by default: the drop floor")
                        .isGreaterThanOrEqualTo(OverloadController.DROP_FLOOR * 2_000 - 100);
            }
        }

        for (int i = 0; i < 40; i++) {
            interval(100, NEW_REGISTER, 1_100); // 24,000/s arriving: no budget left
        }
        assertThat(valve.figures().admissionRate()).as("never below half the reference")
                .isCloseTo(OverloadController.QUEUE_FLOOR * 2_000, org.assertj.core.data.Offset.offset(100.0));
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    @Test
    void overloadedWorkersCutTheRateBelowTheDropFloor() {
        servedAtTwoThousandASecond();
        socketsStartDropping();
        double reference = valve.figures().admissionRate();

        signals.waitMillis(400); // four times the sojourn high mark
        for (int i = 0; i < 10; i++) {
            interval(300, NEW_REGISTER, 0);
        }

        assertThat(valve.figures().admissionRate()).isLessThan(0.2 * reference);
        Map<Verdict, Integer> verdicts = interval(300, NEW_REGISTER, 0);
        assertThat(verdicts.getOrDefault(Verdict.ADMIT, 0)).isLessThan(20);
    }

    @Test
    void sheddingItselfDoesNotHoldTheRateDownOnceTheSocketsStopDropping() {
        servedAtTwoThousandASecond();
        signals.waitMillis(50); // the workers busy, between their marks: the drop signal rules the rate
        socketsStartDropping();
        double reference = valve.figures().admissionRate();
        for (int i = 0; i < 20; i++) {
            interval(300, NEW_REGISTER, 500);
        }
        double cut = valve.figures().admissionRate();
        assertThat(cut).isLessThan(reference);

        // The loops read everything now and shed the excess: once the drop window is calm, the rate climbs back.
        for (int i = 0; i < 18; i++) {
            interval(300, NEW_REGISTER, 0);
        }
        assertThat(valve.figures().admissionRate()).as("held while the 1 s window still holds drops").isEqualTo(cut);
        for (int i = 0; i < 20; i++) {
            interval(300, NEW_REGISTER, 0);
        }

        assertThat(valve.figures().admissionRate()).isGreaterThan(reference);
        assertThat(valve.state()).as("still shedding: the offered load exceeds the rate").isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().newWorkLoss()).isBetween(0.3, 0.7);
    }

    @Test
    void overloadEndsOnlyOnceNothingIsShedForTheHoldTimeAndWithinTenSecondsOfTheLoadStopping() {
        servedAtTwoThousandASecond();
        socketsStartDropping();
        signals.waitMillis(150); // the workers above their high mark: shedding all along, overload goes on
        for (int i = 0; i < 100; i++) {
            interval(300, NEW_REGISTER, 0);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);

        signals.waitMillis(0);
        long loadStopped = nanos.get();
        while (valve.state() == OverloadState.OVERLOADED && nanos.get() - loadStopped < Duration.ofSeconds(30).toNanos()) {
            interval(50, NEW_REGISTER, 0); // 1,000/s: under the rate
        }

        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(Duration.ofNanos(nanos.get() - loadStopped)).isBetween(SETTINGS.holdTime(), Duration.ofSeconds(10));
        assertThat(valve.figures().admissionRate()).isZero();
        assertThat(offer(500, NEW_REGISTER)).containsOnlyKeys(Verdict.ADMIT);
    }

    @Test
    void overloadAtTheStartOfALoadClimbsFromTheRecentPeakAndFindsTheCapacity() {
        servedAtTwoThousandASecond(); // the peak: 2,000/s
        for (int i = 0; i < 20; i++) {
            interval(10, NEW_REGISTER, 0); // then a quiet second at 200/s
        }
        socketsStartDropping(); // a new load drops at once, with 100 read per evaluation

        assertThat(valve.figures().admissionRate()).as("the recent peak, decayed by 10%").isGreaterThan(1_700);
        for (int i = 0; i < 60; i++) {
            interval(400, NEW_REGISTER, 0); // 8,000/s offered, the loops read it all, the workers keep up
        }
        assertThat(valve.figures().admissionRate()).as("climbed to the offered rate").isGreaterThan(7_500);
        assertThat(valve.figures().newWorkLoss()).isLessThan(0.1);
    }

    @Test
    void aFewDropsBelowTheHighMarkDoNotStartOverload() {
        servedAtTwoThousandASecond();
        for (int i = 0; i < 100; i++) {
            interval(100, NEW_REGISTER, 1); // 1% of arrivals, under the 2% mark
        }

        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().datagramDropShare()).isBetween(0.005, 0.015);
    }

    // The reference is what the workers served (the container reports its completions).

    /** One second with 100 new REGISTERs an evaluation arriving and served: 2,000/s. */
    private void arrivingAndServedAtTwoThousandASecond() {
        signals.completedTasks = 0;
        for (int i = 0; i < 20; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
    }

    @Test
    void theReferenceIsTheServedRateNotABurstOfAdmissionsAsTheLoopsDrainAFullSocket() {
        arrivingAndServedAtTwoThousandASecond();
        signals.waitMillis(50); // the workers busy, between their marks: the drop signal rules the rate
        // The loops drain a full receive buffer: 8,000/s admitted for 250 ms while the workers still serve 2,000/s,
        // and the kernel drops what the buffer could not hold.
        for (int i = 0; i < 5 && valve.state() == OverloadState.NORMAL; i++) {
            interval(400, NEW_REGISTER, 40, 100);
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().admissionRate()).as("the served 2,000/s, not the 8,000/s admitted")
                .isBetween(1_900.0, 2_000.0);
        Map<Verdict, Integer> verdicts = interval(400, NEW_REGISTER, 0, 100);
        assertThat(verdicts.get(Verdict.ADMIT)).as("about 2,000/s of 50 ms").isBetween(90, 101);
    }

    @Test
    void theAdmittedRateStartsAtMostAtTheArrivingRateSoTheFirstCutSheds() {
        arrivingAndServedAtTwoThousandASecond();
        for (int i = 0; i < 20; i++) {
            interval(50, NEW_REGISTER, 0, 50); // the load falls to 1,000/s; the served peak stays near 2,000/s
        }
        signals.waitMillis(200); // then the workers stall: twice the sojourn high mark

        Map<Verdict, Integer> beforeTrip = interval(50, NEW_REGISTER, 0, 0);

        assertThat(beforeTrip).containsOnlyKeys(Verdict.ADMIT);
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        // Started at the arriving 1,000/s (not the served peak, ~1,800/s) and cut at once by 1 - 0.5 (1 - 1/2).
        assertThat(valve.figures().admissionRate()).isCloseTo(750.0, org.assertj.core.data.Offset.offset(1.0));
        Map<Verdict, Integer> next = interval(50, NEW_REGISTER, 0, 0);
        assertThat(next.get(Verdict.REJECT)).as("the first interval after the trip sheds").isBetween(12, 14);
    }

    @Test
    void overloadedWorkersCutTheRateByTheControllersFactorEachEvaluation() {
        arrivingAndServedAtTwoThousandASecond();
        signals.waitMillis(200); // p = 2: each evaluation keeps 1 - 0.5 (1 - 1/2) = 75%

        interval(100, NEW_REGISTER, 0, 100);
        assertThat(valve.figures().admissionRate()).isCloseTo(1_500.0, org.assertj.core.data.Offset.offset(1.0));
        interval(100, NEW_REGISTER, 0, 75);
        assertThat(valve.figures().admissionRate()).isCloseTo(1_125.0, org.assertj.core.data.Offset.offset(1.0));

        signals.waitMillis(400); // p = 4: 1 - 0.5 (1 - 1/4) = 62.5%
        interval(100, NEW_REGISTER, 0, 56);
        assertThat(valve.figures().admissionRate()).isCloseTo(703.125, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void readSaturationThatSheddingCannotRelieveCutsTheRateOnlyToTheFloor() {
        arrivingAndServedAtTwoThousandASecond();
        signals.readSaturation = 0.6; // the loop cut off from its backlog, over the 50% mark: overload begins
        for (int i = 0; i < 100; i++) {
            interval(300, NEW_REGISTER, 0, 100); // 6,000/s arriving, read and shed; it stays at 60% all along
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        // Not a rate cut towards nothing: at least 90% of the 2,000/s served; above it at most one climb past what the
        // workers follow (2,000/s served against KEEP_UP of the admitted rate).
        assertThat(valve.figures().admissionRate()).as("about the 2,000/s served")
                .isBetween(OverloadController.DROP_FLOOR * 2_000 - 20, 2_000 / OverloadController.KEEP_UP * 1.2);

        // Between the marks, the workers serving 90% of what is admitted: once the served window holds only that
        // (a second), the rate holds.
        signals.readSaturation = 0.3;
        long servedPerEvaluation = (long) (0.9 * valve.figures().admissionRate() / 20);
        for (int i = 0; i < 25; i++) {
            interval(300, NEW_REGISTER, 0, servedPerEvaluation);
        }
        double held = valve.figures().admissionRate();
        for (int i = 0; i < 20; i++) {
            interval(300, NEW_REGISTER, 0, servedPerEvaluation);
        }
        assertThat(valve.figures().admissionRate()).isEqualTo(held);

        signals.readSaturation = 0.1; // below the low mark: it climbs again
        interval(300, NEW_REGISTER, 0, 90);
        assertThat(valve.figures().admissionRate()).isGreaterThan(held);
    }

    /**
     * Regression (2026-11-26 11:05, TCP at 40,000/s offered, the server's capacity): read saturation above its mark held
     * the rate at 90% of the reference taken as the load began, and the valve shed 23% of what the server, valve off,
     * served in full. While the workers are calm and serve all that is admitted, the rate climbs.
     */
    @Test
    void readSaturationWithWorkersKeepingUpLetsTheRateClimbToTheOfferedLoad() {
        arrivingAndServedAtTwoThousandASecond();
        signals.readSaturation = 0.6; // the loop meets a backlog: overload begins at the 2,000/s served
        int shedAtTheEnd = 0;
        for (int i = 0; i < 60; i++) {
            int admitted = interval(200, NEW_REGISTER, 0, 0).getOrDefault(Verdict.ADMIT, 0); // 4,000/s offered
            signals.completedTasks += admitted; // the workers serve all they are given, with no wait
            shedAtTheEnd = i < 50 ? 0 : shedAtTheEnd + (200 - admitted);
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED); // the loop still meets its backlog
        assertThat(valve.figures().admissionRate()).as("climbed to the 4,000/s offered").isGreaterThanOrEqualTo(4_000.0);
        assertThat(shedAtTheEnd).as("nothing shed in the last 10 evaluations").isZero();
    }

    /**
     * Regression (2026-11-26 23:53, ReadSaturationOverTheWireTest on an AMD EPYC): without worker completions reported
     * the served rate is the admitted rate, so the workers "kept up" by definition and read saturation only raised the
     * rate: a stack whose user answers on the loop went overloaded and shed nothing. Nothing says such workers keep up.
     */
    @Test
    void readSaturationWithoutReportedCompletionsDoesNotLetTheRateClimb() {
        for (int i = 0; i < 20; i++) {
            interval(100, NEW_REGISTER, 0); // 2,000/s, completions not reported: the admitted rate is the reference
        }
        signals.readSaturation = 0.6; // the loop meets a backlog: overload begins
        int shedAtTheEnd = 0;
        for (int i = 0; i < 60; i++) {
            int admitted = interval(200, NEW_REGISTER, 0).getOrDefault(Verdict.ADMIT, 0); // 4,000/s offered
            shedAtTheEnd = i < 50 ? 0 : shedAtTheEnd + (200 - admitted);
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().admissionRate()).as("held near the 2,000/s admitted before, not the 4,000/s offered")
                .isBetween(OverloadController.DROP_FLOOR * 2_000 - 20, 2_000 * 1.1);
        assertThat(shedAtTheEnd).as("about half of the last 10 evaluations' 2,000 shed").isGreaterThan(800);
    }

    /**
     * Regression (2026-11-26 14:20, TCP at 50,000/s offered, the server's capacity: goodput 86% valve on, 100% off): a
     * loop that meets a backlog runs its lag probes late behind full read batches (22-31 ms, between the lag's marks)
     * whatever the valve admits; that lag held the rate at the floor although the workers served all they were given.
     */
    @Test
    void readSaturationWithTheLoopsLagBetweenItsMarksLetsTheRateClimbWhileTheWorkersKeepUp() {
        arrivingAndServedAtTwoThousandASecond();
        signals.readSaturation = 0.6;
        signals.lagNanos = Duration.ofMillis(30).toNanos(); // above the 20 ms low mark, below the 100 ms high mark
        int shedAtTheEnd = 0;
        for (int i = 0; i < 60; i++) {
            int admitted = interval(200, NEW_REGISTER, 0, 0).getOrDefault(Verdict.ADMIT, 0); // 4,000/s offered
            signals.completedTasks += admitted;
            shedAtTheEnd = i < 50 ? 0 : shedAtTheEnd + (200 - admitted);
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().admissionRate()).as("climbed to the 4,000/s offered").isGreaterThanOrEqualTo(4_000.0);
        assertThat(shedAtTheEnd).as("nothing shed in the last 10 evaluations").isZero();

        // The lag at its high mark still cuts, once the workers have work waiting.
        double climbed = valve.figures().admissionRate();
        signals.lagNanos = Duration.ofMillis(200).toNanos();
        signals.waitMillis(30);
        interval(200, NEW_REGISTER, 0, 200);
        assertThat(valve.figures().admissionRate()).isLessThan(climbed);
    }

    /**
     * Regression (same run): read saturation above its mark, with the workers between their marks, held a rate that a
     * sojourn spike had cut below the floor for the rest of the load; it climbs back to the floor.
     */
    @Test
    void readSaturationAboveItsMarkLiftsTheRateBackToItsFloorAfterTheWorkersCut() {
        arrivingAndServedAtTwoThousandASecond();
        signals.waitMillis(400); // a sojourn spike: p = 4, the workers' cut goes well below the floor
        for (int i = 0; i < 4; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        double cut = valve.figures().admissionRate();
        assertThat(cut).isLessThan(0.5 * OverloadController.DROP_FLOOR * 2_000);

        signals.waitMillis(50); // the workers between their marks: no climb past the floor
        signals.readSaturation = 0.6; // the loop meets its backlog all along
        for (int i = 0; i < 100; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.figures().admissionRate()).as("back at 90% of the 2,000/s served")
                .isCloseTo(OverloadController.DROP_FLOOR * 2_000, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void readSaturationWithWorkersFallingBehindTheAdmittedRateStopsTheClimb() {
        arrivingAndServedAtTwoThousandASecond();
        signals.readSaturation = 0.6;
        for (int i = 0; i < 100; i++) {
            int admitted = interval(200, NEW_REGISTER, 0, 0).getOrDefault(Verdict.ADMIT, 0); // 4,000/s offered
            signals.completedTasks += Math.min(admitted, 150); // the workers serve at most 3,000/s
        }

        assertThat(valve.figures().admissionRate()).as("near the 3,000/s served, not the 4,000/s offered")
                .isBetween(2_500.0, 3_400.0);
    }

    @Test
    void readSaturationBetweenItsMarksDoesNotHoldTheRateBelowItsFloorAfterTheWorkersCut() {
        arrivingAndServedAtTwoThousandASecond();
        signals.waitMillis(400); // a sojourn spike: p = 4, the workers' cut goes well below the floor
        for (int i = 0; i < 4; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        double cut = valve.figures().admissionRate();
        assertThat(cut).isLessThan(OverloadController.DROP_FLOOR * 2_000);

        signals.waitMillis(0); // the workers calm again, the loop still meets a backlog now and then
        signals.readSaturation = 0.3;
        for (int i = 0; i < 100; i++) {
            interval(150, NEW_REGISTER, 0, 100);
        }
        // Above the workers' 2,000/s by at most the climbs the served window's second of lag lets through.
        assertThat(valve.figures().admissionRate()).as("back to at least 90% of the 2,000/s served, not far past it")
                .isBetween(OverloadController.DROP_FLOOR * 2_000 - 1, 2_000 / OverloadController.KEEP_UP * 1.2);
    }

    @Test
    void whileTheSocketsDropAndTheWorkersKeepUpTheRateClimbsToWhatTheServerServes() {
        arrivingAndServedAtTwoThousandASecond();
        // A step to 6,000/s: the loop reads 100 an evaluation, the kernel drops 200; overload starts at the 2,000/s
        // served. The workers keep up with all they are given (no wait), and could serve 4,000/s.
        socketsStartDroppingWhileServing(100, 200);
        double start = valve.figures().admissionRate();
        assertThat(start).isBetween(1_900.0, 2_100.0);
        for (int i = 0; i < 40; i++) {
            int admitted = interval(300, NEW_REGISTER, 200, 0).getOrDefault(Verdict.ADMIT, 0);
            signals.completedTasks += Math.min(admitted, 200); // served, up to 4,000/s
        }

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().admissionRate()).as("climbed past the start, to the workers' 4,000/s and more")
                .isGreaterThan(4_000.0);
    }

    private void socketsStartDroppingWhileServing(int read, int dropped) {
        for (int i = 0; i < 3 && valve.state() == OverloadState.NORMAL; i++) {
            interval(read, NEW_REGISTER, dropped, read);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    @Test
    void hysteresisASignalBetweenItsMarksNeitherStartsNorEndsOverload() {
        arrivingAndServedAtTwoThousandASecond();
        signals.waitMillis(99); // just under the 100 ms high mark
        for (int i = 0; i < 40; i++) {
            interval(100, NEW_REGISTER, 0, 100);
        }
        assertThat(valve.state()).as("below the high mark").isEqualTo(OverloadState.NORMAL);

        signals.waitMillis(100);
        interval(100, NEW_REGISTER, 0, 100);
        assertThat(valve.state()).as("at the high mark").isEqualTo(OverloadState.OVERLOADED);

        signals.waitMillis(50); // between the marks: the rate may climb, but overload goes on
        for (int i = 0; i < 200; i++) {
            interval(50, NEW_REGISTER, 0, 50);
        }
        assertThat(valve.state()).as("above the 20 ms low mark").isEqualTo(OverloadState.OVERLOADED);

        signals.waitMillis(19);
        for (int i = 0; i < 39; i++) {
            interval(50, NEW_REGISTER, 0, 50);
        }
        assertThat(valve.state()).as("below the low mark for less than the 2 s hold").isEqualTo(OverloadState.OVERLOADED);
        interval(50, NEW_REGISTER, 0, 50);
        interval(50, NEW_REGISTER, 0, 50);
        assertThat(valve.state()).as("held 2 s below the low mark, nothing shed").isEqualTo(OverloadState.NORMAL);
    }

    @Test
    void lossAdmissionIsStillAvailable() {
        SojournTimeValve loss = new SojournTimeValve(SETTINGS.toBuilder().admission(Admission.LOSS).build(), null, signals,
                nanos::get, millis::get, () -> 0.5);
        signals.waitMillis(400);
        for (int i = 0; i < 40; i++) {
            nanos.addAndGet(EVALUATION);
            loss.evaluate();
        }

        assertThat(loss.figures().newWorkLoss()).isEqualTo(1.0);
        assertThat(loss.figures().admissionRate()).isZero();
    }
}
