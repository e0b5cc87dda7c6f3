package org.sipcity.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs SIPp (Debian's {@code sip-tester}) as a bounded child process against a loopback target and reports
 * what it counted. SIPp exits 0 only when every call of the scenario succeeded.
 */
final class Sipp {

    /** What one SIPp run counted, read from its final statistics screen. */
    record Result(int exitCode, long successfulCalls, long failedCalls, String screen) {
        boolean allSucceeded() {
            return exitCode == 0 && failedCalls == 0;
        }
    }

    private static final Pattern SUCCESSFUL = Pattern.compile("Successful call\\s+\\|\\s+\\d+\\s+\\|\\s+(\\d+)");
    private static final Pattern FAILED = Pattern.compile("Failed call\\s+\\|\\s+\\d+\\s+\\|\\s+(\\d+)");

    private Sipp() {
    }

    static boolean isInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "sipp"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code scenario} ({@code -m calls}, {@code -r rate}) over {@code transport} ("u1", "t1", ...) against
     * {@code 127.0.0.1:port}; SIPp is stopped after {@code timeoutSeconds} whatever happens.
     */
    static Result run(Path scenario, String transport, int port, int calls, int rate, int timeoutSeconds,
                      Path workDir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "sipp", "127.0.0.1:" + port,
                "-sf", scenario.toString(),
                "-t", transport,
                "-i", "127.0.0.1",
                "-p", "0",
                "-m", Integer.toString(calls),
                "-r", Integer.toString(rate),
                "-timeout", timeoutSeconds + "s",
                "-timeout_error",
                "-recv_timeout", "5s",
                "-nostdin",
                "-trace_screen", "-screen_file", workDir.resolve("screen.log").toString(),
                "-trace_err", "-error_file", workDir.resolve("errors.log").toString()));
        Process sipp = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("sipp.out").toFile())
                .start();
        if (!sipp.waitFor(timeoutSeconds + 10L, TimeUnit.SECONDS)) {
            sipp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Path screenFile = workDir.resolve("screen.log");
        String screen = Files.exists(screenFile) ? Files.readString(screenFile) : "";
        String output = Files.readString(workDir.resolve("sipp.out"));
        return new Result(sipp.isAlive() ? -1 : sipp.exitValue(), last(SUCCESSFUL, screen), last(FAILED, screen),
                screen + "\n" + output);
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
