package org.sipcity.stack.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * Timer values and limits of the transaction layer.
 *
 * <p>Three base values are configurable; every timer is derived from them as RFC 3261 Table 4 and
 * RFC 6026 §8.11 prescribe, so the relations between timers that the state machines rely on hold
 * for any setting (e.g. a client gives up at Timer B = 64·T1 exactly when a server stops waiting
 * for an ACK at Timer H = 64·T1).
 *
 * <table>
 *   <caption>Base values</caption>
 *   <tr><th>value</th><th>default</th><th>meaning (RFC 3261 §17.1.1.1, Table 4)</th></tr>
 *   <tr><td>T1</td><td>500 ms</td><td>RTT estimate</td></tr>
 *   <tr><td>T2</td><td>4 s</td><td>longest retransmit interval for non-INVITE requests and INVITE responses</td></tr>
 *   <tr><td>T4</td><td>5 s</td><td>longest time a message stays in the network</td></tr>
 *   <tr><td>provisional delay</td><td>200 ms</td><td>§17.2.1: an INVITE server transaction sends
 *       100 Trying itself if the TU has not answered by then; {@link Duration#ZERO} sends it at once,
 *       a negative value never</td></tr>
 *   <tr><td>max live transactions</td><td>100 000</td><td>transactions of all kinds with a state machine
 *       running (not the completed entries below, nor INVITE transactions in Accepted); beyond it new server
 *       transactions are refused (the caller answers 503)</td></tr>
 *   <tr><td>completed memory</td><td>a quarter of the heap ({@code Runtime.maxMemory() / 4})</td><td>bytes
 *       for the completed non-INVITE server transactions of unreliable transports, each kept as its key and
 *       encoded final response until Timer J (0.65 KB per REGISTER measured, see the module README), and for the
 *       INVITE transactions in Accepted (server: its key until Timer L; client: charged until Timer M); when full, the
 *       oldest are released after {@link #completedHoldFloor()}, and if that is not enough new server
 *       transactions are refused (503)</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Derived timers (unreliable / reliable transport)</caption>
 *   <tr><th>timer</th><th>value</th><th>purpose</th></tr>
 *   <tr><td>A</td><td>T1, doubling / none</td><td>INVITE request retransmit</td></tr>
 *   <tr><td>B</td><td>64·T1</td><td>INVITE transaction timeout</td></tr>
 *   <tr><td>D</td><td>max(32 s, 64·T1) / 0</td><td>wait for response retransmissions (Completed)</td></tr>
 *   <tr><td>E</td><td>T1, doubling up to T2 / none</td><td>non-INVITE request retransmit</td></tr>
 *   <tr><td>F</td><td>64·T1</td><td>non-INVITE transaction timeout</td></tr>
 *   <tr><td>G</td><td>T1, doubling up to T2 / none</td><td>INVITE response retransmit</td></tr>
 *   <tr><td>H</td><td>64·T1</td><td>wait for ACK receipt</td></tr>
 *   <tr><td>I</td><td>T4 / 0</td><td>wait for ACK retransmits (Confirmed)</td></tr>
 *   <tr><td>J</td><td>64·T1 / 0</td><td>wait for non-INVITE request retransmits</td></tr>
 *   <tr><td>K</td><td>T4 / 0</td><td>wait for non-INVITE response retransmits</td></tr>
 *   <tr><td>L</td><td>64·T1</td><td>RFC 6026: INVITE server in Accepted, absorbs INVITE retransmissions</td></tr>
 *   <tr><td>M</td><td>64·T1</td><td>RFC 6026: INVITE client in Accepted, passes 2xx retransmissions up</td></tr>
 *   <tr><td>non-INVITE server guard</td><td>64·T1 + T4</td><td>not in the RFCs: a non-INVITE server
 *       transaction the TU never answers ends then (the client gave up at Timer F = 64·T1), so a
 *       TU bug cannot leak transactions</td></tr>
 * </table>
 *
 * <p>Timer D: Table 4 asks for "at least 32 s" on unreliable transports, the time a server may keep
 * retransmitting its final response (Timer H = 64·T1); with a larger T1 D follows H.
 */
public final class TransactionConfig {

    public static final Duration DEFAULT_T1 = Duration.ofMillis(500);
    public static final Duration DEFAULT_T2 = Duration.ofSeconds(4);
    public static final Duration DEFAULT_T4 = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROVISIONAL_DELAY = Duration.ofMillis(200);
    public static final int DEFAULT_MAX_LIVE_TRANSACTIONS = 100_000;
    /** Default {@link #completedMemoryBytes()}: a quarter of the heap this JVM may use. */
    public static final long DEFAULT_COMPLETED_MEMORY_BYTES = Runtime.getRuntime().maxMemory() / 4;

    private static final long TIMER_D_FLOOR_MILLIS = 32_000;
    private static final TransactionConfig DEFAULTS = builder().build();

    private final long t1;
    private final long t2;
    private final long t4;
    private final long provisionalDelay;
    private final int maxLiveTransactions;
    private final long completedMemoryBytes;

    private TransactionConfig(Builder builder) {
        this.t1 = builder.t1.toMillis();
        this.t2 = builder.t2.toMillis();
        this.t4 = builder.t4.toMillis();
        this.provisionalDelay = builder.provisionalDelay.isNegative() ? -1 : builder.provisionalDelay.toMillis();
        this.maxLiveTransactions = builder.maxLiveTransactions;
        this.completedMemoryBytes = builder.completedMemoryBytes;
        if (t1 < 1) {
            throw new IllegalArgumentException("T1 must be at least 1 ms: " + builder.t1);
        }
        if (t2 < t1) {
            throw new IllegalArgumentException("T2 (" + builder.t2 + ") must not be below T1 (" + builder.t1 + ")");
        }
        if (t4 < 1) {
            throw new IllegalArgumentException("T4 must be at least 1 ms: " + builder.t4);
        }
        if (maxLiveTransactions < 1) {
            throw new IllegalArgumentException("maxLiveTransactions must be positive: " + maxLiveTransactions);
        }
        if (completedMemoryBytes < 1) {
            throw new IllegalArgumentException("completedMemoryBytes must be positive: " + completedMemoryBytes);
        }
    }

    /** T1 = 500 ms, T2 = 4 s, T4 = 5 s, 100 Trying after 200 ms, 100 000 live transactions, a quarter of the heap for completed ones. */
    public static TransactionConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** T1 in milliseconds. */
    public long t1() {
        return t1;
    }

    /** T2 in milliseconds. */
    public long t2() {
        return t2;
    }

    /** T4 in milliseconds. */
    public long t4() {
        return t4;
    }

    /** Delay before an INVITE server transaction sends 100 Trying itself; -1 if never. */
    public long provisionalDelay() {
        return provisionalDelay;
    }

    /** Limit of live transactions of all kinds. */
    public int maxLiveTransactions() {
        return maxLiveTransactions;
    }

    /**
     * Bytes of heap for completed non-INVITE server transactions on unreliable transports (each charged its
     * encoded final response, key and table entry).
     */
    public long completedMemoryBytes() {
        return completedMemoryBytes;
    }

    /**
     * How long a completed non-INVITE server transaction absorbs retransmissions at least, when the completed
     * memory is full and older ones are released before Timer J to make room: T4, the longest a message stays
     * in the network, longer than T2, the longest a client waits between retransmissions (§17.1.2.2).
     */
    public long completedHoldFloor() {
        return t4;
    }

    /** First interval of Timer A (it doubles on every firing, §17.1.1.2). */
    public long timerA() {
        return t1;
    }

    public long timerB() {
        return 64 * t1;
    }

    public long timerD(boolean reliable) {
        return reliable ? 0 : Math.max(TIMER_D_FLOOR_MILLIS, 64 * t1);
    }

    /** First interval of Timer E (then min(2·previous, T2), §17.1.2.2). */
    public long timerE() {
        return t1;
    }

    public long timerF() {
        return 64 * t1;
    }

    /** First interval of Timer G (then min(2·previous, T2), §17.2.1). */
    public long timerG() {
        return t1;
    }

    public long timerH() {
        return 64 * t1;
    }

    public long timerI(boolean reliable) {
        return reliable ? 0 : t4;
    }

    public long timerJ(boolean reliable) {
        return reliable ? 0 : 64 * t1;
    }

    public long timerK(boolean reliable) {
        return reliable ? 0 : t4;
    }

    public long timerL() {
        return 64 * t1;
    }

    public long timerM() {
        return 64 * t1;
    }

    /** How long a non-INVITE server transaction waits for the TU's final response before it gives up. */
    public long nonInviteServerGuard() {
        return 64 * t1 + t4;
    }

    @Override
    public String toString() {
        return "TransactionConfig[T1=" + t1 + "ms, T2=" + t2 + "ms, T4=" + t4 + "ms, provisionalDelay="
                + provisionalDelay + "ms, maxLiveTransactions=" + maxLiveTransactions + ", completedMemoryBytes="
                + completedMemoryBytes + "]";
    }

    /** Builder starting from the defaults. */
    public static final class Builder {
        private Duration t1 = DEFAULT_T1;
        private Duration t2 = DEFAULT_T2;
        private Duration t4 = DEFAULT_T4;
        private Duration provisionalDelay = DEFAULT_PROVISIONAL_DELAY;
        private int maxLiveTransactions = DEFAULT_MAX_LIVE_TRANSACTIONS;
        private long completedMemoryBytes = DEFAULT_COMPLETED_MEMORY_BYTES;

        private Builder() {
        }

        public Builder t1(Duration value) {
            this.t1 = Objects.requireNonNull(value, "t1");
            return this;
        }

        public Builder t2(Duration value) {
            this.t2 = Objects.requireNonNull(value, "t2");
            return this;
        }

        public Builder t4(Duration value) {
            this.t4 = Objects.requireNonNull(value, "t4");
            return this;
        }

        public Builder provisionalDelay(Duration value) {
            this.provisionalDelay = Objects.requireNonNull(value, "provisionalDelay");
            return this;
        }

        public Builder maxLiveTransactions(int value) {
            this.maxLiveTransactions = value;
            return this;
        }

        public Builder completedMemoryBytes(long value) {
            this.completedMemoryBytes = value;
            return this;
        }

        public TransactionConfig build() {
            return new TransactionConfig(this);
        }
    }
}
