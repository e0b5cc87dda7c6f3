package org.sipcity.it.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bounded SIPp run (Debian's {@code sip-tester}) against a loopback target: {@code -m} calls at {@code -r} per
 * second, each call one scenario, killed at its deadline whatever happens. SIPp exits 0 only when every call succeeded;
 * the counts are read from its final statistics screen.
 */
final class SippRun {

    /** What SIPp counted. */
    record Result(int exitCode, long successfulCalls, long failedCalls, long serviceUnavailable, String report) {
    }

    private static final Pattern SUCCESSFUL = Pattern.compile("Successful call\\s+\\|\\s+\\d+\\s+\\|\\s+(\\d+)");
    private static final Pattern FAILED = Pattern.compile("Failed call\\s+\\|\\s+\\d+\\s+\\|\\s+(\\d+)");
    /** A line of the scenario screen: "503 <----------  N ..." (received count), once per recv 503 in the scenario. */
    private static final Pattern SERVICE_UNAVAILABLE = Pattern.compile("(?m)^\\s+503 <-+\\s+(\\d+)");

    private final List<String> command = new ArrayList<>();
    private final Path workDir;
    private Duration limit = Duration.ofSeconds(60);

    /** {@code transport}: SIPp's {@code -t} ("t1": every call over one persistent TCP connection; "u1": UDP). */
    SippRun(Path scenario, InetSocketAddress target, String transport, Path workDir) {
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("SIPp is only ever pointed at loopback: " + target);
        }
        this.workDir = workDir;
        command.addAll(List.of("sipp", target.getAddress().getHostAddress() + ":" + target.getPort(),
                "-sf", scenario.toString(), "-t", transport, "-i", "127.0.0.1", "-p", "0", "-nostdin",
                "-recv_timeout", "10s",
                // A call that fails is reported, not followed by the BYE SIPp sends by default (no dialog here).
                "-default_behaviors", "all,-bye",
                "-trace_screen", "-screen_file", workDir.resolve("screen.log").toString(),
                "-trace_err", "-error_file", workDir.resolve("errors.log").toString()));
    }

    /** {@code calls} calls at {@code perSecond}; {@code -l} bounds how many are open at once. */
    SippRun calls(int calls, int perSecond, int maxOpen) {
        command.addAll(List.of("-m", Integer.toString(calls), "-r", Integer.toString(perSecond),
                "-l", Integer.toString(maxOpen)));
        return this;
    }

    /** An injection file ({@code -inf}): {@code [field0]}, {@code [field1]}, ... per call. */
    SippRun injection(Path csv) {
        command.addAll(List.of("-inf", csv.toString()));
        return this;
    }

    /** SIPp stops itself after this ({@code -timeout}, counted as failure); the process is killed 10 s later. */
    SippRun limit(Duration limit) {
        this.limit = limit;
        return this;
    }

    Result run() throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("-timeout", limit.toSeconds() + "s", "-timeout_error"));
        Path output = workDir.resolve("sipp.out");
        Process sipp = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!sipp.waitFor(limit.toSeconds() + 10, TimeUnit.SECONDS)) {
            sipp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String screen = read(workDir.resolve("screen.log"));
        String errors = read(workDir.resolve("errors.log"));
        String report = String.join(" ", full) + "\n" + screen + "\n" + read(output) + "\nerrors (first 4000 chars):\n"
                + errors.substring(0, Math.min(errors.length(), 4000));
        return new Result(sipp.isAlive() ? -1 : sipp.exitValue(), last(SUCCESSFUL, screen), last(FAILED, screen),
                lastScreenSum(SERVICE_UNAVAILABLE, screen), report);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    }

    /** The sum of a per-message counter over the last scenario screen SIPp wrote. */
    private static long lastScreenSum(Pattern pattern, String screen) {
        int lastScreen = screen.lastIndexOf("Scenario Screen");
        Matcher matcher = pattern.matcher(lastScreen < 0 ? screen : screen.substring(lastScreen));
        long sum = 0;
        while (matcher.find()) {
            sum += Long.parseLong(matcher.group(1));
        }
        return sum;
    }

    private static long last(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        long value = -1;
        while (matcher.find()) {
            value = Long.parseLong(matcher.group(1));
        }
        return value;
    }
}
