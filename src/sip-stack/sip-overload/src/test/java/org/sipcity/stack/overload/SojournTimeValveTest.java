package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.overload.Messages.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.TransportType;

/** Decisions and hysteresis of the default valve, on a fake clock and fake signals (no timer, no sleeps). */
class SojournTimeValveTest {

    private static final long EVALUATION = Duration.ofMillis(50).toNanos();
    /**
     * The defaults with every evaluation judged alone (no sojourn window), for the tests of state and loss
     * dynamics; the window has tests of its own.
     */
    private static final OverloadSettings IMMEDIATE = OverloadSettings.builder().sojournWindow(Duration.ZERO).build();

    private final FakeSignals signals = new FakeSignals();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong millis = new AtomicLong(1_764_000_000_000L);
    private double nextRandom = 0.5;
    private final TestFlow tcp = new TestFlow(TransportType.TCP);
    private final TestFlow udp = new TestFlow(TransportType.UDP);

    /** A valve admitting by loss fraction (the tests of loss dynamics; rate admission has its own test class). */
    private SojournTimeValve valve(OverloadSettings settings) {
        return new SojournTimeValve(settings.toBuilder().admission(Admission.LOSS).build(), null, signals, nanos::get,
                millis::get, () -> nextRandom);
    }

    /** One evaluation interval passes. */
    private void tick(SojournTimeValve valve) {
        nanos.addAndGet(EVALUATION);
        millis.addAndGet(EVALUATION / 1_000_000);
        valve.evaluate();
    }

    private static Verdict inspect(SojournTimeValve valve, String message, TestFlow flow) {
        ByteBuf buf = Messages.buffer(message);
        try {
            return valve.inspect(Messages.classify(buf), buf, flow);
        } finally {
            buf.release();
        }
    }

    private static final String NEW_INVITE = request("INVITE", "<sip:bob@city.example.net>");
    private static final String RE_INVITE = request("INVITE", "<sip:bob@city.example.net>;tag=b1");
    private static final String BYE = request("BYE", "<sip:bob@city.example.net>;tag=b1");
    private static final String ACK = request("ACK", "<sip:bob@city.example.net>;tag=b1");
    private static final String OPTIONS = request("OPTIONS", "<sip:bob@city.example.net>");
    private static final String REFRESH = request("REGISTER", "<sip:bob@city.example.net>", "Authorization: Digest username=\"bob\"");
    private static final String RESPONSE = Messages.lines("SIP/2.0 200 OK", "Via: SIP/2.0/TCP a;branch=z9hG4bK1",
            "From: <sip:a@b>;tag=1", "To: <sip:b@c>;tag=2", "Call-ID: c", "CSeq: 1 INVITE", "Content-Length: 0", "");

    /** Drives the valve into overload at {@code waitMillis} of worker sojourn time until new work is all shed. */
    private void overloadUntilNewWorkFullyShed(SojournTimeValve valve, long waitMillis) {
        signals.waitMillis(waitMillis);
        for (int i = 0; i < 100 && valve.figures().newWorkLoss() < 1; i++) {
            tick(valve);
        }
        assertThat(valve.figures().newWorkLoss()).isEqualTo(1.0);
    }

    /** Worker queue stalled for {@code millis} (a flush, a pause): the oldest wait grows with it, then drains. */
    private void stall(SojournTimeValve valve, long millis) {
        for (long waited = 0; waited <= millis; waited += EVALUATION / 1_000_000) {
            signals.waitMillis(waited);
            tick(valve);
        }
        signals.waitMillis(0);
        tick(valve);
    }

    @Test
    void aStallOfTheWorkersShorterThanHighMarkPlusWindowDoesNotStartOverload() {
        SojournTimeValve valve = valve(OverloadSettings.defaults()); // 100 ms high, 500 ms window
        stall(valve, 550);

        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().transitions()).isZero();
    }

    @Test
    void withoutAWindowTheSameStallStartsOverload() {
        SojournTimeValve valve = valve(OverloadSettings.builder().sojournWindow(Duration.ZERO).build());
        stall(valve, 550);

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
    }

    @Test
    void aStandingQueueStartsOverloadOnceItOutlastsTheWindow() {
        SojournTimeValve valve = valve(OverloadSettings.defaults());
        signals.waitMillis(150);
        for (int i = 0; i < 10; i++) {
            tick(valve);
        }
        assertThat(valve.state()).as("450 ms of waits seen, window 500 ms").isEqualTo(OverloadState.NORMAL);

        tick(valve);

        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().cause()).isEqualTo(OverloadSignal.WORKER_WAIT);
    }

    @Test
    void eventLoopsCutOffFromTheirSocketsStartOverloadAndShedNewWorkWithHysteresis() {
        SojournTimeValve valve = valve(OverloadSettings.defaults());
        signals.readSaturation = 0.45; // below the high mark (0.5): the loops keep up, if barely
        for (int i = 0; i < 40; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);

        signals.readSaturation = 0.95; // the worker queue, lag and heap stay calm: only the sockets back up
        signals.readBusy = 0.97;
        tick(valve);
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().cause()).isEqualTo(OverloadSignal.READ_SATURATION);
        for (int i = 0; i < 20; i++) {
            tick(valve);
        }
        assertThat(valve.figures().readSaturation()).isEqualTo(0.95);
        assertThat(valve.figures().readBusy()).as("a figure only").isEqualTo(0.97);
        assertThat(valve.figures().newWorkLoss()).as("cut by 1 - 0.5 (1 - 0.5/0.95) per evaluation").isGreaterThan(0.9);
        nextRandom = 0.95;
        assertThat(inspect(valve, NEW_INVITE, udp)).isEqualTo(Verdict.REJECT);
        assertThat(inspect(valve, BYE, udp)).isEqualTo(Verdict.ADMIT);
        assertThat(inspect(valve, RESPONSE, udp)).isEqualTo(Verdict.ADMIT);

        signals.readSaturation = 0.3; // between the marks: shedding eases, overload goes on
        for (int i = 0; i < 100; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().newWorkLoss()).isZero();

        signals.readSaturation = 0.1; // below the low mark (0.2) for the hold time (2 s)
        for (int i = 0; i < 40; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        tick(valve);
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
    }

    @Test
    void normalStateAdmitsEverything() {
        SojournTimeValve valve = valve(IMMEDIATE);
        signals.waitMillis(10);
        tick(valve);

        for (String message : new String[] {NEW_INVITE, RE_INVITE, BYE, ACK, OPTIONS, REFRESH, RESPONSE}) {
            assertThat(inspect(valve, message, tcp)).as(message).isEqualTo(Verdict.ADMIT);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        // Nothing shed: sorted by first line only, the head is not scanned.
        assertThat(valve.figures().admitted(TrafficClass.IN_DIALOG)).as("BYE, ACK").isEqualTo(2);
        assertThat(valve.figures().admitted(TrafficClass.RESPONSE)).isEqualTo(1);
        assertThat(valve.figures().admittedUnsorted()).as("INVITEs, OPTIONS, REGISTER").isEqualTo(4);
        assertThat(valve.figures().admitted(TrafficClass.NEW_WORK)).isZero();
    }

    @Test
    void underFullOverloadOnlyNewWorkIsRejectedAndRefreshesGoLast() {
        SojournTimeValve valve = valve(IMMEDIATE);
        signals.waitMillis(150); // 1.5 x the high mark: refreshes are reached only after new work is all shed
        tick(valve);
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        overloadUntilNewWorkFullyShed(valve, 150);

        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.REJECT);
        assertThat(inspect(valve, OPTIONS, udp)).isEqualTo(Verdict.REJECT);
        assertThat(valve.figures().refreshLoss()).as("refresh cut starts only now").isLessThan(0.5);
        nextRandom = 0.99;
        assertThat(inspect(valve, REFRESH, tcp)).isEqualTo(Verdict.ADMIT);
        for (String message : new String[] {RE_INVITE, BYE, ACK, RESPONSE}) {
            assertThat(inspect(valve, message, tcp)).as(message).isEqualTo(Verdict.ADMIT);
        }
        assertThat(valve.figures().shed(TrafficClass.NEW_WORK)).isEqualTo(2);
        assertThat(valve.figures().admitted(TrafficClass.IN_DIALOG)).as("re-INVITE, BYE, ACK").isEqualTo(3);
        assertThat(valve.figures().admitted(TrafficClass.REGISTER_REFRESH)).isEqualTo(1);
        assertThat(valve.figures().shed(TrafficClass.IN_DIALOG)).isZero();
        assertThat(valve.figures().shed(TrafficClass.RESPONSE)).isZero();

        for (int i = 0; i < 100 && valve.figures().refreshLoss() < 1; i++) {
            tick(valve);
        }
        assertThat(inspect(valve, REFRESH, tcp)).as("sustained overload reaches refreshes").isEqualTo(Verdict.REJECT);
        assertThat(inspect(valve, BYE, tcp)).isEqualTo(Verdict.ADMIT);
    }

    @Test
    void partialLossShedsByTheRandomDraw() {
        SojournTimeValve valve = valve(IMMEDIATE);
        signals.waitMillis(200);
        tick(valve); // admitted fraction 1 - 0.5 * (1 - 1/2) = 0.75
        assertThat(valve.figures().newWorkLoss()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));

        nextRandom = 0.2;
        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.REJECT);
        nextRandom = 0.3;
        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.ADMIT);
    }

    @Test
    void lossGrowsSmoothlyAndFasterWithALargerExcess() {
        SojournTimeValve mild = valve(IMMEDIATE);
        signals.waitMillis(120);
        tick(mild);
        double mildLoss = mild.figures().newWorkLoss();

        SojournTimeValve severe = valve(IMMEDIATE);
        signals.waitMillis(400);
        tick(severe);
        double severeLoss = severe.figures().newWorkLoss();

        assertThat(mildLoss).isGreaterThan(0).isLessThan(0.1);
        assertThat(severeLoss).isGreaterThan(mildLoss).isLessThan(1);
        double before = severeLoss;
        tick(severe);
        assertThat(severe.figures().newWorkLoss()).as("keeps growing while above the high mark").isGreaterThan(before);
    }

    @Test
    void lossRecoversStepByStepBetweenTheMarksWithoutLeavingOverload() {
        SojournTimeValve valve = valve(IMMEDIATE);
        overloadUntilNewWorkFullyShed(valve, 150);
        signals.waitMillis(50); // between low (20) and high (100)

        tick(valve);
        assertThat(valve.figures().newWorkLoss()).isLessThan(1).isGreaterThan(0.9);
        for (int i = 0; i < 200; i++) {
            tick(valve);
        }
        assertThat(valve.figures().newWorkLoss()).isZero();
        assertThat(valve.state()).as("not calm: still overloaded (hysteresis)").isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().transitions()).isEqualTo(1);
    }

    @Test
    void overloadEndsOnlyAfterTheHoldTimeBelowTheLowMark() {
        SojournTimeValve valve = valve(IMMEDIATE); // hold 2 s = 40 evaluations
        signals.waitMillis(100);
        tick(valve);
        assertThat(valve.state()).as("at the high mark").isEqualTo(OverloadState.OVERLOADED);

        signals.waitMillis(5);
        for (int i = 0; i < 39; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        signals.waitMillis(30); // a blip above the low mark restarts the hold time
        tick(valve);
        signals.waitMillis(5);
        for (int i = 0; i < 40; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        tick(valve);
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().transitions()).isEqualTo(2);
        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.ADMIT);
    }

    /**
     * The end of overload is judged on the current wait, not on the window's shortest: under a load that goes on,
     * the workers drain their queue between admitted bursts, and short waits among long ones must not end overload.
     */
    @Test
    void shortWaitsAmongLongOnesDoNotEndOverload() {
        SojournTimeValve valve = valve(OverloadSettings.defaults()); // window 500 ms = 11 evaluations, hold 2 s = 40
        signals.waitMillis(150);
        for (int i = 0; i < 12; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);

        for (int i = 0; i < 200; i++) { // 10 s: drained every other evaluation, 60 ms waits in between
            signals.waitMillis(i % 2 == 0 ? 0 : 60);
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(valve.figures().transitions()).isEqualTo(1);
    }

    @Test
    void justBelowTheHighMarkDoesNotEnterOverload() {
        SojournTimeValve valve = valve(IMMEDIATE);
        signals.waitMillis(99);
        signals.queueDepth = 9_999;
        signals.lagNanos = OverloadSettings.defaults().lagHigh().toNanos() - 1_000_000;
        signals.heap = 0.89;
        for (int i = 0; i < 10; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().transitions()).isZero();
    }

    @Test
    void eachSignalAloneEntersOverload() {
        SojournTimeValve byDepth = valve(IMMEDIATE);
        signals.queueDepth = 10_000;
        tick(byDepth);
        assertThat(byDepth.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(byDepth.figures().cause()).isEqualTo(OverloadSignal.WORKER_QUEUE_DEPTH);
        signals.queueDepth = 0;

        SojournTimeValve byLag = valve(IMMEDIATE);
        signals.lagNanos = OverloadSettings.defaults().lagHigh().toNanos();
        tick(byLag);
        assertThat(byLag.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(byLag.figures().cause()).isEqualTo(OverloadSignal.EVENT_LOOP_LAG);
        signals.lagNanos = 0;

        SojournTimeValve byHeap = valve(IMMEDIATE);
        signals.heap = 0.95;
        tick(byHeap);
        assertThat(byHeap.state()).isEqualTo(OverloadState.OVERLOADED);
        assertThat(byHeap.figures().heapOccupancyAfterGc()).isEqualTo(0.95);
        assertThat(byHeap.figures().cause()).isEqualTo(OverloadSignal.HEAP);
    }

    @Test
    void theCauseIsTheSignalFurthestPastItsMarkAndOutlivesTheOverload() {
        SojournTimeValve valve = valve(IMMEDIATE);
        assertThat(valve.figures().cause()).as("never overloaded").isNull();
        signals.waitMillis(150); // 1.5 x its high mark
        signals.heap = 0.95; // 1.06 x its high mark (0.9)
        tick(valve);
        assertThat(valve.figures().cause()).isEqualTo(OverloadSignal.WORKER_WAIT);

        signals.waitMillis(0);
        signals.heap = 0;
        for (int i = 0; i < 100 && valve.state() == OverloadState.OVERLOADED; i++) {
            tick(valve);
        }
        assertThat(valve.state()).isEqualTo(OverloadState.NORMAL);
        assertThat(valve.figures().cause()).as("why the last overload began").isEqualTo(OverloadSignal.WORKER_WAIT);
    }

    @Test
    void udpCanBeShedSilently() {
        SojournTimeValve valve = valve(IMMEDIATE.toBuilder().dropOnUdp(true).build());
        overloadUntilNewWorkFullyShed(valve, 1000);

        assertThat(inspect(valve, NEW_INVITE, udp)).isEqualTo(Verdict.DROP);
        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.REJECT);
    }

    @Test
    void unclassifiableMessageIsDroppedNotAnswered() {
        SojournTimeValve valve = valve(IMMEDIATE);
        overloadUntilNewWorkFullyShed(valve, 1000);

        assertThat(inspect(valve, "NOT A SIP LINE\r\n\r\n", tcp)).isEqualTo(Verdict.DROP);
    }

    /**
     * A connection above its write high water mark has stopped being read by the transport (TCP flow control holds
     * the peer back); what was read before the pause is judged like any other request. Dropped, it would leave its
     * client waiting for a timeout, as nothing retransmits over TCP.
     */
    @Test
    void aBackedUpConnectionIsServedWhileThereIsCapacity() {
        SojournTimeValve valve = valve(IMMEDIATE);
        tcp.writable = false;

        assertThat(inspect(valve, NEW_INVITE, tcp)).isEqualTo(Verdict.ADMIT);
        assertThat(inspect(valve, REFRESH, tcp)).isEqualTo(Verdict.ADMIT);
        assertThat(inspect(valve, BYE, tcp)).isEqualTo(Verdict.ADMIT);
        assertThat(valve.figures().shed(TrafficClass.NEW_WORK)).isZero();
    }

    @Test
    void aBackedUpConnectionIsAnsweredNotDroppedWhileShedding() {
        SojournTimeValve valve = valve(IMMEDIATE);
        overloadUntilNewWorkFullyShed(valve, 1000);
        tcp.writable = false;
        udp.writable = false;

        assertThat(inspect(valve, NEW_INVITE, tcp)).as("503, queued within the hard limit").isEqualTo(Verdict.REJECT);
        assertThat(inspect(valve, NEW_INVITE, udp)).isEqualTo(Verdict.REJECT);
        assertThat(inspect(valve, BYE, tcp)).isEqualTo(Verdict.ADMIT);
        assertThat(inspect(valve, RESPONSE, tcp)).isEqualTo(Verdict.ADMIT);
    }

    @Test
    void rejectionCarriesRetryAfterWithinTheRangeAndRfc7339Feedback() {
        SojournTimeValve valve = valve(IMMEDIATE.toBuilder().retryAfter(7, 9).build());
        overloadUntilNewWorkFullyShed(valve, 1000);
        String request = request("OPTIONS", "<sip:bob@city.example.net>")
                .replace(";rport;branch=z9hG4bK-1a2b3c", ";rport;branch=z9hG4bK-1a2b3c;oc;oc-algo=\"loss,A\"");
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer();

        for (int i = 0; i < 20; i++) {
            out.clear();
            assertThat(valve.writeRejection(in, out)).isTrue();
            String answer = out.toString(StandardCharsets.US_ASCII);
            assertThat(answer).containsPattern("(?m)^Retry-After: [789]\r\n");
            assertThat(answer).contains(";oc=100;oc-algo=\"loss\";oc-validity=1000;oc-seq=");
        }
        assertThat(valve.figures().rejectionsSent()).isEqualTo(20);
        in.release();
        out.release();
    }

    @Test
    void feedbackSequenceGrowsAndValidityIsZeroWhenNotShedding() {
        SojournTimeValve valve = valve(IMMEDIATE);
        assertThat(valve.feedback().validityMillis()).isZero();
        signals.waitMillis(300);
        tick(valve);
        OverloadControlFeedback first = valve.feedback();
        tick(valve);
        OverloadControlFeedback second = valve.feedback();

        assertThat(first.lossPercent()).isPositive();
        assertThat(first.validityMillis()).isEqualTo(1000);
        assertThat(second.lossPercent()).isGreaterThan(first.lossPercent());
        assertThat(new java.math.BigDecimal(second.sequence())).isGreaterThan(new java.math.BigDecimal(first.sequence()));
    }
}
