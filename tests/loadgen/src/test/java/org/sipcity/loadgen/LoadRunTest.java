package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;
import picocli.CommandLine;

/** The generator against a digest-challenging responder on the stack, over real loopback sockets. */
class LoadRunTest {

    @TempDir
    Path dir;

    private SipStack stack;

    @AfterEach
    void stopServer() {
        if (stack != null) {
            stack.close();
        }
    }

    private InetSocketAddress startServer(DigestChallengingResponder responder) throws Exception {
        stack = new SipStack(SipStackConfig.defaults(), responder);
        return stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build()).localAddress();
    }

    private static FlowSettings settings(InetSocketAddress target) throws Exception {
        return new FlowSettings(target, List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")),
                "127.0.0.1", "user%d", "password%d", 0, Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofSeconds(5), 64);
    }

    @Test
    void fiveHundredFlowsFromTwoSourcesRegisterWithSha256DigestAndAnswerPings() throws Exception {
        DigestChallengingResponder responder = new DigestChallengingResponder(List.of("SHA-256", "MD5"));
        InetSocketAddress target = startServer(responder);
        Path csv = dir.resolve("steps.csv");
        RunPlan plan = new RunPlan(500, 250, ProbeMethod.REGISTER, 100, 200, 1000, Duration.ofSeconds(60), Duration.ofMillis(2500), csv);

        LoadRun.Result result;
        FlowPool pool = new FlowPool(settings(target), 500, 1);
        try (pool) {
            result = new LoadRun(plan, List.of(pool), null).run();
        }
        // flows go on refreshing between the run's last snapshot and the pool's close: those REGISTERs are in these
        long refreshesUntilClosed = pool.counters().refreshes.sum();

        WorkerSnapshot end = result.end();
        assertThat(result.cutShortByDuration()).isFalse();
        assertThat(end.connected()).isEqualTo(500);
        assertThat(end.registered()).isEqualTo(500);
        assertThat(end.failures()).isZero();
        assertThat(end.openFlows()).isEqualTo(500);
        // each flow got a challenge, answered it, and refreshed (Expires 2 s, refresh at 80-95%) with the nonce reused
        assertThat(responder.challenged.sum()).isEqualTo(500);
        assertThat(responder.rejected.sum()).isZero();
        assertThat(end.refreshes()).isPositive();
        // a REGISTER written just before the close may still be on its way to the responder
        long countedByTheEnd = 500 + end.refreshes() + end.probesSent();
        for (int i = 0; i < 500 && responder.accepted.sum() < countedByTheEnd; i++) {
            Thread.sleep(10);
        }
        assertThat(responder.accepted.sum()).isBetween(countedByTheEnd, 500 + refreshesUntilClosed + end.probesSent());
        // every flow pinged (500 ms interval) and each ping got its CRLF pong
        assertThat(end.flowsPonged()).isEqualTo(500);
        assertThat(end.pongsMissed()).isZero();
        assertThat(end.pongsReceived()).isGreaterThanOrEqualTo(500);

        assertThat(result.steps()).hasSize(2);
        assertThat(result.steps()).allSatisfy(row -> {
            assertThat(row.probeLatency().getTotalCount()).isPositive();
            assertThat(row.afterProbe().probeFailures()).isZero();
        });
        assertThat(result.steps().get(0).setupLatency().getTotalCount()).isEqualTo(250);
        // the 100 warm-up probes were sent but are in no row, nor are the refreshes that ran meanwhile
        assertThat(result.steps().get(0).probeLatency().getTotalCount()).isBetween(1L, 200L);
        assertThat(end.probesSent()).isGreaterThan(
                result.steps().stream().mapToLong(row -> row.probeLatency().getTotalCount()).sum());
        assertThat(result.steps().get(1).afterProbe().openFlows()).isEqualTo(500);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(StepRow.CSV_HEADER);
        assertThat(lines.get(1)).startsWith("1,250,250,250,0,");
        assertThat(lines.get(2)).startsWith("2,500,500,500,0,");
    }

    @Test
    void md5OnlyChallengeIsAnsweredAndOptionsProbesAreMeasured() throws Exception {
        DigestChallengingResponder responder = new DigestChallengingResponder(List.of("MD5"));
        InetSocketAddress target = startServer(responder);
        RunPlan plan = new RunPlan(20, 20, ProbeMethod.OPTIONS, 0, 20, 1000, Duration.ofSeconds(30), Duration.ZERO, dir.resolve("md5.csv"));

        LoadRun.Result result;
        try (FlowPool pool = new FlowPool(settings(target), 20, 1)) {
            result = new LoadRun(plan, List.of(pool), null).run();
        }

        assertThat(result.end().registered()).isEqualTo(20);
        assertThat(result.end().failures()).isZero();
        assertThat(responder.rejected.sum()).isZero();
        assertThat(responder.accepted.sum()).isEqualTo(20); // OPTIONS probes do not re-register
        // Every probe sent reached the server and is measured. How many are sent depends on the machine's timing: a
        // probe that picks a flow whose previous probe is still outstanding is skipped by design.
        long sent = result.steps().get(0).afterProbe().probesSent();
        assertThat(sent).isPositive().isEqualTo(responder.otherRequests.sum());
        assertThat(result.steps().get(0).probeLatency().getTotalCount()).isEqualTo(sent);
        assertThat(result.steps().get(0).afterProbe().probeFailures()).isZero();
        assertThat(Files.readAllLines(dir.resolve("md5.csv")).get(1)).contains(",OPTIONS," + sent + ",");
    }

    @Test
    void intervalTooBriefIsAnsweredWithTheMinExpiresAsked() throws Exception {
        DigestChallengingResponder responder = new DigestChallengingResponder(List.of("SHA-256"), 3);
        InetSocketAddress target = startServer(responder);
        RunPlan plan = new RunPlan(10, 10, ProbeMethod.REGISTER, 0, 0, 1000, Duration.ofSeconds(30), Duration.ZERO, dir.resolve("423.csv"));

        LoadRun.Result result;
        try (FlowPool pool = new FlowPool(settings(target), 10, 1)) { // asks for 2 s
            result = new LoadRun(plan, List.of(pool), null).run();
        }

        assertThat(result.end().registered()).isEqualTo(10);
        assertThat(result.end().failures()).isZero();
        assertThat(responder.intervalTooBrief.sum()).isEqualTo(10);
    }

    /** 100, 300, 100, 300 flows: the shrinking step unregisters and closes the newest 200, the last opens them again. */
    @Test
    void aShrinkingStepUnregistersAndClosesTheNewestFlowsAndTheNextGrowsThemAgain() throws Exception {
        DigestChallengingResponder responder = new DigestChallengingResponder(List.of("SHA-256"));
        InetSocketAddress target = startServer(responder);
        Path csv = dir.resolve("aba.csv");
        RunPlan plan = new RunPlan(List.of(100, 300, 100, 300), ProbeMethod.REGISTER, 0, 1000, 50, 1000, Duration.ZERO,
                Duration.ofSeconds(60), Duration.ZERO, csv);

        LoadRun.Result result;
        try (FlowPool pool = new FlowPool(settings(target), 300, 1)) {
            result = new LoadRun(plan, List.of(pool), null).run();
        }

        assertThat(result.steps()).hasSize(4);
        assertThat(result.steps()).extracting(row -> row.afterProbe().openFlows()).containsExactly(100L, 300L, 100L, 300L);
        assertThat(result.steps()).extracting(row -> row.afterProbe().registered()).containsExactly(100L, 300L, 100L, 300L);
        assertThat(result.steps()).allSatisfy(row -> assertThat(row.probeLatency().getTotalCount()).isPositive());
        assertThat(responder.removals.sum()).isEqualTo(200);
        assertThat(result.end().failures()).isZero();
        assertThat(result.end().dropped()).as("removed flows are not dropped ones").isZero();
        assertThat(result.end().connected()).isEqualTo(500);
    }

    @Test
    void commandLineForksTwoWorkerProcessesAndGrowsToTheListedSteps() throws Exception {
        DigestChallengingResponder responder = new DigestChallengingResponder(List.of("SHA-256"));
        InetSocketAddress target = startServer(responder);
        Path csv = dir.resolve("forked.csv");

        int exit = new CommandLine(new LoadGeneratorMain()).execute("--target", "127.0.0.1:" + target.getPort(),
                "--connections", "100", "--sources", "127.0.0.2,127.0.0.3,127.0.0.4", "--processes", "2",
                "--steps", "30,100", "--settle", "200ms", "--warmup-probes", "20", "--warmup-rate", "400", "--probes", "40", "--duration", "60s", "--ping-interval", "300ms", "--hold", "1s",
                "--worker-jvm-options", "-Xmx128m -XX:+UseSerialGC", "--csv", csv.toString());

        assertThat(exit).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("1,30,30,30,0,");
        assertThat(lines.get(2)).startsWith("2,100,100,100,0,");
        assertThat(responder.challenged.sum()).isEqualTo(100);
    }

    @Test
    void commandLineRefusesANonLoopbackTargetAndTooManyFlowsPerProcess() {
        CommandLine refusingTarget = new CommandLine(new LoadGeneratorMain());
        assertThat(refusingTarget.execute("--target", "192.0.2.1:5060", "--duration", "5s",
                "--csv", dir.resolve("x.csv").toString())).isNotZero();
        CommandLine refusingPlan = new CommandLine(new LoadGeneratorMain());
        assertThat(refusingPlan.execute("--target", "127.0.0.1:5060", "--connections", "19000", "--processes", "1",
                "--sources", "127.0.0.2", "--duration", "5s", "--csv", dir.resolve("y.csv").toString())).isNotZero();
        assertThat(dir.resolve("x.csv")).doesNotExist();
        assertThat(dir.resolve("y.csv")).doesNotExist();
    }
}
