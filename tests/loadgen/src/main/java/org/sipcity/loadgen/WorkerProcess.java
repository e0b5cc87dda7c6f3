package org.sipcity.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The worker side of {@link ForkedWorker}: reads one command per line from standard input, runs it on its
 * {@link FlowPool} and answers with one snapshot line on standard output. Commands:
 * {@code GROW <flows> <deadline-ms>}, {@code SHRINK <flows> <deadline-ms>}, {@code PROBE <method> <count> <per-second> <deadline-ms>},
 * {@code HOLD <millis> <deadline-ms>}, {@code STOP}. Ends at STOP, at the end of its input (the coordinator is
 * gone), or at its hard stop, whichever comes first.
 */
final class WorkerProcess {

    private static final Logger LOG = Logger.getLogger(WorkerProcess.class);
    static final String ERROR_PREFIX = "@@ERROR ";

    private WorkerProcess() {
    }

    /** @param hardStop after this the process exits whatever it is doing */
    static int serve(FlowPool pool, Instant hardStop) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), hardStop).toMillis()));
                LOG.errorf("Worker hard stop reached at %s; exiting", hardStop);
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadgen-worker-hard-stop");
        watchdog.setDaemon(true);
        watchdog.start();
        PrintStream out = System.out;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split(" ");
                if (words[0].equals("STOP")) {
                    break;
                }
                try {
                    out.println(run(pool, words).toLine());
                } catch (RuntimeException e) {
                    out.println(ERROR_PREFIX + e);
                }
                out.flush();
            }
            return 0;
        } catch (IOException e) {
            LOG.errorf("Worker input failed: %s", e.getMessage());
            return 2;
        } finally {
            pool.close();
            watchdog.interrupt();
        }
    }

    private static WorkerSnapshot run(FlowPool pool, String[] words) {
        try {
            return switch (words[0]) {
                case "GROW" -> pool.grow(Integer.parseInt(words[1]), Instant.ofEpochMilli(Long.parseLong(words[2])));
                case "SHRINK" -> pool.shrink(Integer.parseInt(words[1]), Instant.ofEpochMilli(Long.parseLong(words[2])));
                case "PROBE" -> pool.probe(ProbeMethod.valueOf(words[1]), Integer.parseInt(words[2]),
                        Double.parseDouble(words[3]), Instant.ofEpochMilli(Long.parseLong(words[4])));
                case "HOLD" -> pool.hold(Duration.ofMillis(Long.parseLong(words[1])),
                        Instant.ofEpochMilli(Long.parseLong(words[2])));
                default -> throw new IllegalArgumentException("Unknown command '" + words[0] + "'");
            };
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Malformed command '" + String.join(" ", words) + "'", e);
        }
    }
}
