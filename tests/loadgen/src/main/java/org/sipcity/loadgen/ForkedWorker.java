package org.sipcity.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A worker in a JVM of its own, so the flows of a run are not capped by one process's open-file limit. Spoken to
 * over its standard input and output, one line per command and per answer ({@link WorkerProcess}); its standard
 * error (its log) goes to ours.
 */
public final class ForkedWorker implements Worker {

    private static final Logger LOG = Logger.getLogger(ForkedWorker.class);
    /** Added to each deadline for the answer to cross the pipe. */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(15);
    private static final Object END_OF_STREAM = new Object();

    private final int index;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();

    /**
     * @param jvmOptions options for the worker's JVM (heap size, GC)
     * @param workerArgs the command-line arguments of {@link LoadGeneratorMain} in worker mode
     */
    public ForkedWorker(int index, List<String> jvmOptions, List<String> workerArgs) {
        this.index = index;
        List<String> command = new ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadGeneratorMain.class.getName());
        command.addAll(workerArgs);
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start worker process " + index, e);
        }
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "loadgen-worker-" + index + "-reader");
        reader.setDaemon(true);
        reader.start();
        LOG.infof("Worker %d started as process %d", index, process.pid());
    }

    private void readAnswers() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(WorkerSnapshot.LINE_PREFIX)) {
                    answers.add(line);
                } else if (line.startsWith(WorkerProcess.ERROR_PREFIX)) {
                    answers.add(new IllegalStateException("Worker " + index + ": " + line.substring(WorkerProcess.ERROR_PREFIX.length())));
                } else {
                    System.out.println("[worker " + index + "] " + line);
                }
            }
        } catch (IOException e) {
            LOG.debugf("Worker %d output closed: %s", index, e.getMessage());
        }
        answers.add(END_OF_STREAM);
    }

    @Override
    public WorkerSnapshot grow(int flows, Instant deadline) {
        return call("GROW " + flows + " " + deadline.toEpochMilli(), deadline);
    }

    @Override
    public WorkerSnapshot shrink(int flows, Instant deadline) {
        return call("SHRINK " + flows + " " + deadline.toEpochMilli(), deadline);
    }

    @Override
    public WorkerSnapshot probe(ProbeMethod method, int probes, double perSecond, Instant deadline) {
        return call("PROBE " + method + " " + probes + " " + perSecond + " " + deadline.toEpochMilli(), deadline);
    }

    @Override
    public WorkerSnapshot hold(Duration duration, Instant deadline) {
        return call("HOLD " + duration.toMillis() + " " + deadline.toEpochMilli(), deadline);
    }

    private WorkerSnapshot call(String command, Instant deadline) {
        try {
            commands.write(command + "\n");
            commands.flush();
            long wait = Duration.between(Instant.now(), deadline.plus(ANSWER_GRACE)).toNanos();
            Object answer = answers.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
            if (answer instanceof String line) {
                return WorkerSnapshot.parse(line);
            }
            if (answer instanceof RuntimeException failure) {
                throw failure;
            }
            if (answer == END_OF_STREAM) {
                answers.add(END_OF_STREAM); // every later call fails at once too
            }
            throw new IllegalStateException("Worker " + index + (answer == null ? " did not answer '" + command
                    + "' in time" : " ended (exit " + exitValue() + ") before answering '" + command + "'"));
        } catch (IOException e) {
            throw new UncheckedIOException("Worker " + index + " no longer takes commands", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for worker " + index, e);
        }
    }

    private String exitValue() {
        try {
            return Integer.toString(process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            commands.write("STOP\n");
            commands.flush();
            commands.close();
        } catch (IOException e) {
            LOG.debugf("Worker %d already gone: %s", index, e.getMessage());
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warnf("Worker %d (process %d) did not stop in 30 s; killing it", index, process.pid());
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
