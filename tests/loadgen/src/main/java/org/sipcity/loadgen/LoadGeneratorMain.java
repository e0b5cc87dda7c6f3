package org.sipcity.loadgen;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code --target 127.0.0.1:5060 --connections 19000 --sources 127.0.0.2,127.0.0.3 --processes 2
 * --step 1000 --duration 120s --csv out.csv}. With {@code --processes 1} the flows live in this JVM; with more, this
 * JVM only coordinates and forks that many workers, each holding its share.
 */
@Command(name = "sipcity-loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Opens many persistent SIP flows over TCP on loopback, registers them (digest auth), keeps them "
                + "alive with RFC 5626 CRLF pings and measures REGISTER latency per step of flows into a CSV file.")
public final class LoadGeneratorMain implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(LoadGeneratorMain.class);
    /** Open files a process keeps for itself (jars, epoll, pipes) beside its sockets, under a 20,000 hard limit. */
    static final int DEFAULT_MAX_FLOWS_PER_PROCESS = 18_000;
    /** Added to --duration before a process stops itself whatever happens. */
    private static final Duration HARD_STOP_GRACE = Duration.ofSeconds(60);

    @Option(names = "--target", defaultValue = "127.0.0.1:5060", description = "Registrar address:port (loopback only).")
    String target;
    @Option(names = "--transport", defaultValue = "tcp", description = "tcp (TLS is not implemented yet).")
    String transport;
    @Option(names = "--connections", defaultValue = "1000", description = "Flows to open in all.")
    int connections;
    @Option(names = "--sources", defaultValue = "127.0.0.2", description = "Comma-separated loopback source addresses.")
    String sources;
    @Option(names = "--processes", defaultValue = "1", description = "Worker JVMs; 1 keeps the flows in this JVM.")
    int processes;
    @Option(names = "--step", defaultValue = "1000", description = "Flows added per step.")
    int step;
    @Option(names = "--steps", split = ",", description = "Flows held at each step (e.g. 1000,19000, or 1000,19000,1000,19000: "
            + "a smaller step unregisters and closes the newest flows); replaces --step, and its largest value --connections.")
    List<Integer> steps;
    @Option(names = "--settle", defaultValue = "0s", converter = DurationConverter.class,
            description = "Pause after each step's flows are registered, before its probes (seconds unless suffixed).")
    Duration settle;
    @Option(names = "--duration", defaultValue = "120s", converter = DurationConverter.class,
            description = "Hard limit of the whole run (e.g. 120s, 10m).")
    Duration duration;
    @Option(names = "--hold", defaultValue = "0s", converter = DurationConverter.class,
            description = "Time to hold every flow after the last step (pings and refreshes go on).")
    Duration hold;
    @Option(names = "--register-interval", defaultValue = "3600", converter = DurationConverter.class,
            description = "Expires asked for; each flow refreshes at 80-95%% of it (seconds unless suffixed).")
    Duration registerInterval;
    @Option(names = "--ping-interval", defaultValue = "100", converter = DurationConverter.class,
            description = "RFC 5626 keep-alive interval; pings go after 80-100%% of it (seconds unless suffixed).")
    Duration pingInterval;
    @Option(names = "--probe-method", defaultValue = "REGISTER", description = "REGISTER or OPTIONS.")
    ProbeMethod probeMethod;
    @Option(names = "--warmup-probes", defaultValue = "2000",
            description = "Probes sent, not measured, before the first step's (JIT warm-up).")
    int warmupProbes;
    @Option(names = "--warmup-rate", description = "Warm-up probes per second, all workers together (default: --probe-rate).")
    Double warmupRate;
    @Option(names = "--probes", defaultValue = "1000", description = "Requests measured per step.")
    int probes;
    @Option(names = "--probe-rate", defaultValue = "500", description = "Probes per second, all workers together.")
    double probeRate;
    @Option(names = "--response-timeout", defaultValue = "32s", converter = DurationConverter.class,
            description = "A REGISTER unanswered this long fails (Timer F).")
    Duration responseTimeout;
    @Option(names = "--setup-concurrency", defaultValue = "256", description = "Flows connecting and registering at once, per process.")
    int setupConcurrency;
    @Option(names = "--domain", description = "Registrar domain (default: the target address).")
    String domain;
    @Option(names = "--user", defaultValue = "user%d", description = "User name pattern.")
    String userPattern;
    @Option(names = "--password", defaultValue = "password%d", description = "Password pattern.")
    String passwordPattern;
    @Option(names = "--first-user", defaultValue = "0", description = "Index of the first user.")
    int firstUser;
    @Option(names = "--csv", defaultValue = "loadgen.csv", description = "CSV file written, one row per step.")
    Path csv;
    @Option(names = "--server-pid", defaultValue = "0", description = "Pid of the local server whose memory is sampled per step.")
    long serverPid;
    @Option(names = "--server-heap", description = "Also sample the server JVM's heap after a full GC (jcmd).")
    boolean serverHeap;
    @Option(names = "--io-threads", defaultValue = "0", description = "Event loops per process (0: cores / processes).")
    int ioThreads;
    @Option(names = "--max-flows-per-process", defaultValue = "" + DEFAULT_MAX_FLOWS_PER_PROCESS,
            description = "Refuse a plan that puts more flows in one process (open-file limit).")
    int maxFlowsPerProcess;
    @Option(names = "--worker-jvm-options", defaultValue = "-Xms256m -Xmx768m -XX:+UseSerialGC",
            description = "JVM options of each forked worker.")
    String workerJvmOptions;
    @Spec
    CommandSpec spec;
    @Option(names = "--worker", hidden = true, description = "Run as a forked worker speaking on stdin/stdout.")
    boolean worker;

    public static void main(String[] args) {
        int exit = new CommandLine(new LoadGeneratorMain()).execute(args);
        System.exit(exit);
    }

    @Override
    public Integer call() throws IOException {
        try {
            return run();
        } catch (IllegalArgumentException refused) {
            // a plan this host cannot run or a non-loopback address: a message, not a stack trace
            throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage(), refused);
        }
    }

    private int run() throws IOException {
        if (!"tcp".equalsIgnoreCase(transport)) {
            throw new IllegalArgumentException("Transport '" + transport + "' is not supported: only tcp is implemented");
        }
        if (processes < 1 || processes > 16) {
            throw new IllegalArgumentException("--processes must be 1-16, got " + processes);
        }
        if (steps != null && !steps.isEmpty() && !worker) {
            connections = steps.stream().mapToInt(Integer::intValue).max().orElseThrow();
        }
        FlowSettings settings = flowSettings();
        if (worker) {
            FlowPool pool = new FlowPool(settings, connections, threads());
            return WorkerProcess.serve(pool, Instant.now().plus(duration).plus(HARD_STOP_GRACE));
        }
        int perProcess = (connections + processes - 1) / processes;
        if (perProcess > maxFlowsPerProcess) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d flows in %d process(es) is %d per process, "
                    + "above %d (the open-file limit): use --processes %d or more", connections, processes, perProcess,
                    maxFlowsPerProcess, (connections + maxFlowsPerProcess - 1) / maxFlowsPerProcess));
        }
        EphemeralPorts.requireEnough(connections, settings.sources().size());
        List<Integer> targets = steps != null && !steps.isEmpty() ? steps : RunPlan.everyStep(connections, step);
        RunPlan plan = new RunPlan(targets, probeMethod, warmupProbes, warmupRate != null ? warmupRate : probeRate,
                probes, probeRate, settle, duration, hold, csv);
        ServerMemoryProbe memory = serverPid > 0 ? new ServerMemoryProbe(serverPid, serverHeap) : null;
        Thread hardStop = hardStop(Instant.now().plus(duration).plus(HARD_STOP_GRACE));
        List<Worker> workers = new ArrayList<>();
        try {
            if (processes == 1) {
                workers.add(new FlowPool(settings, connections, threads()));
            } else {
                for (int i = 0; i < processes; i++) {
                    workers.add(new ForkedWorker(i, List.of(workerJvmOptions.trim().split("\\s+")), workerArgs(i, perProcess)));
                }
            }
            LoadRun.Result result = new LoadRun(plan, workers, memory).run();
            printSummary(result);
            return result.end().failures() == 0 && !result.steps().isEmpty() ? 0 : 1;
        } finally {
            workers.forEach(Worker::close);
            hardStop.interrupt();
        }
    }

    private FlowSettings flowSettings() {
        var targetAddress = LoopbackAddresses.target(target);
        List<InetAddress> sourceAddresses = LoopbackAddresses.sources(sources);
        return new FlowSettings(targetAddress, sourceAddresses,
                domain != null ? domain : targetAddress.getAddress().getHostAddress(), userPattern, passwordPattern,
                firstUser, registerInterval, pingInterval, responseTimeout, Duration.ofSeconds(10), setupConcurrency);
    }

    private int threads() {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / processes);
    }

    /** The same options for worker {@code i}, with its share of flows and its own users. */
    private List<String> workerArgs(int i, int perProcess) {
        List<String> args = new ArrayList<>(List.of("--worker",
                "--target", target, "--transport", transport, "--connections", Integer.toString(perProcess),
                "--sources", sources, "--duration", duration.toMillis() + "ms",
                "--register-interval", registerInterval.toMillis() + "ms", "--ping-interval", pingInterval.toMillis() + "ms",
                "--response-timeout", responseTimeout.toMillis() + "ms",
                "--setup-concurrency", Integer.toString(setupConcurrency), "--user", userPattern,
                "--password", passwordPattern, "--first-user", Integer.toString(firstUser + i * perProcess),
                "--io-threads", Integer.toString(threads())));
        if (domain != null) {
            args.addAll(List.of("--domain", domain));
        }
        return args;
    }

    private static Thread hardStop(Instant at) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), at).toMillis()));
                LOG.errorf("Hard stop reached at %s; exiting", at);
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadgen-hard-stop");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void printSummary(LoadRun.Result result) throws IOException {
        WorkerSnapshot end = result.end();
        System.out.printf(Locale.ROOT, "%d steps, %d flows open, %d registered, %d failures (connect %d, register %d, "
                        + "dropped %d, refresh %d); pings %d, pongs %d, missed %d, flows ponged %d; refreshes %d; challenges %d%s%n",
                result.steps().size(), end.openFlows(), end.registered(), end.failures(), end.connectFailures(),
                end.registerFailures(), end.dropped(), end.refreshFailures(), end.pingsSent(), end.pongsReceived(), end.pongsMissed(),
                end.flowsPonged(), end.refreshes(), end.challenges(),
                result.cutShortByDuration() ? " (cut short by --duration)" : "");
        System.out.println(Files.readAllLines(csv).stream().collect(Collectors.joining(System.lineSeparator())));
    }
}
