package org.sipcity.loadgen;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The open-loop REGISTER load of the overload benchmark: {@code --target 127.0.0.1:5060 --transport tcp --rate 40000
 * --duration 20s --connections 4}. Prints one line of key=value figures: requests generated and sent (the achieved
 * offered rate), 200s (goodput), 503s, other final answers, timeouts, answers after the timeout, UDP
 * retransmissions, and the latency of accepted (200) REGISTERs. {@code --transport tcp-tn} offers them over transaction
 * TCP instead, a new connection per REGISTER ({@link TransactionTcpLoad}), and adds connect figures to the line.
 */
@Command(name = "sipcity-offered-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Offers REGISTERs at a fixed rate over a few persistent TCP connections or UDP sockets on loopback, "
                + "whatever the answers (503s do not slow it down), and counts 200, 503, other answers and timeouts.")
public final class OfferedLoadMain implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(OfferedLoadMain.class);
    /** Beyond the load and the response timeout, the process stops itself whatever happens. */
    private static final Duration HARD_STOP_GRACE = Duration.ofSeconds(30);

    @Option(names = "--target", required = true, description = "Registrar address:port (loopback only).")
    String target;
    @Option(names = "--transport", defaultValue = "tcp", description = "tcp, udp, or tcp-tn (transaction TCP: a new "
            + "connection per REGISTER, from the --sources in turn, closed by this side after the final answer).")
    String transport;
    @Option(names = "--rate", required = true, description = "REGISTERs offered per second, all sockets together.")
    double rate;
    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long the rate is offered (e.g. 20s).")
    Duration duration;
    @Option(names = "--connections", defaultValue = "4", description = "TCP connections or UDP sockets sharing the rate.")
    int connections;
    @Option(names = "--sources", defaultValue = "127.0.0.2,127.0.0.3", description = "Loopback source addresses, taken in turn.")
    String sources;
    @Option(names = "--response-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "A REGISTER without a final answer this long after its first send has timed out.")
    Duration responseTimeout;
    @Option(names = "--domain", defaultValue = "bench.invalid", description = "Registrar domain (Request-URI, AORs).")
    String domain;
    @Option(names = "--user", defaultValue = "bench%05d", description = "User name pattern.")
    String userPattern;
    @Option(names = "--users", defaultValue = "20000", description = "Users the REGISTERs cycle through.")
    int users;
    @Option(names = "--first-user", defaultValue = "0", description = "Index of the first user.")
    int firstUser;
    @Option(names = "--socket-buffer", defaultValue = "4194304", description = "SO_SNDBUF and SO_RCVBUF of each "
            + "socket in bytes (the kernel doubles it and caps it at net.core.wmem_max/rmem_max); 0: the OS default. "
            + "Over TCP what the server has not read waits in this send buffer, and counts in the latency from the "
            + "intended send.")
    int socketBuffer;
    @Option(names = "--write-queue", defaultValue = "" + OfferedLoad.DEFAULT_WRITE_QUEUE, description = "tcp: bytes this process queues per "
            + "connection beyond its kernel send buffer before a due REGISTER is held back (the high water mark; "
            + "writable again at half). A proxy in front of a registrar that queues little for a connection the server "
            + "reads slowly (Shen and Schulzrinne's small sender buffer) answers the excess itself instead of letting "
            + "it wait.")
    int writeQueue;
    @Option(names = "--unsent-limit", defaultValue = "0", description = "tcp with epoll: TCP_NOTSENT_LOWAT of each "
            + "connection, the most bytes its kernel send buffer holds that have not yet gone out (0: no limit). Bounds "
            + "what waits in the send buffer without shrinking the window, as --socket-buffer would: a window below "
            + "one segment stalls a loopback connection (64 KiB MTU) on the persist timer for seconds.")
    int unsentLimit;
    @Option(names = "--io-threads", defaultValue = "1", description = "Event loops.")
    int ioThreads;
    @Option(names = "--max-open", defaultValue = "16000", description = "tcp-tn: the most connections open at once "
            + "(under the open-file limit); a REGISTER due while that many are open is held back.")
    int maxOpen;
    @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class, description = "Offered "
            + "first and not counted (JIT of both sides; at most 60 s); tcp and udp on sockets of their own, at "
            + "--warmup-rate.")
    Duration warmup;
    @Option(names = "--warmup-rate", description = "tcp and udp: REGISTERs per second during --warmup (default: --rate).")
    Double warmupRate;
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OfferedLoadMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        OfferedLoadSettings settings;
        try {
            if (!"tcp".equalsIgnoreCase(transport) && !"udp".equalsIgnoreCase(transport) && !transactionTcp()) {
                throw new IllegalArgumentException("--transport must be tcp, udp or tcp-tn, got '" + transport + "'");
            }
            if (transactionTcp() && (maxOpen < 1 || maxOpen > 19_000)) {
                throw new IllegalArgumentException("--max-open must be 1-19000 (open-file limit), got " + maxOpen);
            }
            settings = new OfferedLoadSettings(LoopbackAddresses.target(target), "udp".equalsIgnoreCase(transport),
                    transactionTcp() ? 1 : connections, LoopbackAddresses.sources(sources), rate, duration,
                    responseTimeout, domain, userPattern, users, firstUser, Long.toHexString(System.currentTimeMillis()),
                    socketBuffer);
        } catch (IllegalArgumentException refused) {
            throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage(), refused);
        }
        Thread hardStop = hardStop(duration.plus(responseTimeout).plus(HARD_STOP_GRACE)
                .plus(warmup).plus(transactionTcp() ? responseTimeout : Duration.ofSeconds(1)));
        try {
            if (transactionTcp()) {
                System.out.println(new TransactionTcpLoad(settings, Math.max(1, ioThreads), maxOpen, warmup).run().line());
                return 0;
            }
            OfferedLoad load;
            try {
                load = new OfferedLoad(settings, Math.max(1, ioThreads), warmup, warmupRate == null ? rate : warmupRate,
                        writeQueue, unsentLimit);
            } catch (IllegalArgumentException refused) {
                throw new CommandLine.ParameterException(spec.commandLine(), refused.getMessage(), refused);
            }
            OfferedLoad.Result result = load.run();
            System.out.println(result.line());
            return 0;
        } finally {
            hardStop.interrupt();
        }
    }

    private boolean transactionTcp() {
        return "tcp-tn".equalsIgnoreCase(transport);
    }

    private static Thread hardStop(Duration after) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(after.toMillis());
                LOG.errorf("Hard stop after %s; exiting", after);
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "offered-load-hard-stop");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
