package org.sipcity.stack.transaction;

import org.jboss.logging.Logger;
import org.sipcity.stack.timer.SipTimer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The completed non-INVITE server transactions of unreliable transports and the INVITE server transactions in
 * Accepted, as {@link CompletedEntry lean entries}, held within a byte budget; INVITE client transactions in
 * Accepted are charged against the same budget while they wait for Timer M.
 *
 * <p>Why a byte budget and not a count: over UDP every REGISTER leaves its transaction in Completed for Timer J =
 * 64·T1 = 32 s, so the number held is 32 s times the request rate. A count bound caps throughput at bound / 32 s
 * (100,000 gave 3,125/s), whatever the memory. Here the bound is memory, and each entry is charged what it keeps
 * reachable.
 *
 * <p>The same holds for calls: RFC 6026 keeps every INVITE server transaction answered 2xx in Accepted for Timer L
 * and every INVITE client transaction for Timer M, both 64·T1 on every transport, so a stateful proxy holds
 * 2 × 32 s × its call rate of them. As whole transactions under the count bound of 100,000 they capped calls at
 * about 1,560/s.
 *
 * <p>Timer J and Timer L are both 64·T1, the same for every entry, so entries expire in the order they were added:
 * a FIFO list, and one task on the timer armed for the oldest entry's expiry, instead of one timer per transaction.
 *
 * <p>When an entry would take the total over the budget, the oldest entries are released early, but never before
 * they have absorbed for {@link TransactionConfig#completedHoldFloor()} (T4, as Kamailio's tm keeps completed
 * transactions 5 s by default): a client whose final response was lost retransmits within T2, so one
 * retransmission is still absorbed. If the budget is full of entries younger than that, {@link #hasRoom} says no
 * and the layer refuses new requests (503), rather than treat retransmissions as new requests.
 *
 * <p>Threads: every thread that sends a final response over UDP adds an entry, so adding takes no lock: the list
 * is a multi-producer, single-consumer queue linked through the entries themselves (one atomic exchange of the tail
 * per entry, no node allocated). Taking entries off (Timer J on the timer thread, early release by an adder or by
 * admission on an event loop when the budget is full) holds {@link #consumer}; an adder that finds it held leaves
 * the release to its holder. With one monitor on every UDP final response, the 16 worker threads queued behind
 * whichever holder the scheduler had preempted: JFR showed waits of 60-94 ms on it at 15,000 REGISTER/s on a loaded
 * host. The table itself is the layer's concurrent map.
 */
final class CompletedEntries {

    private static final Logger LOG = Logger.getLogger(CompletedEntries.class);

    private final Map<Object, Object> table;
    private final SipTimer timer;
    private final long budgetBytes;
    private final long holdFloorMillis;
    private final long timerJMillis;

    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(CompletedEntries.class, "tail", CompletedEntry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Held while entries are taken off the queue: by one consumer at a time. */
    private final ReentrantLock consumer = new ReentrantLock();
    /**
     * The last entry taken off (at first a placeholder): the oldest held is {@code head.next}. Guarded by
     * {@link #consumer}.
     */
    private CompletedEntry head = new CompletedEntry(null, null, Long.MAX_VALUE, 0);
    /** The youngest entry, swapped in by adders ({@link #TAIL}); equal to {@link #head} when none is held. */
    private volatile CompletedEntry tail = head;
    /** Whether the expiry task is scheduled; set by the adder that finds the queue unwatched, cleared by expiry. */
    private final AtomicBoolean expiryArmed = new AtomicBoolean();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong acceptedClients = new AtomicLong();
    private final LongAdder releasedEarly = new LongAdder();

    CompletedEntries(Map<Object, Object> table, SipTimer timer, TransactionConfig config) {
        this.table = table;
        this.timer = timer;
        this.budgetBytes = config.completedMemoryBytes();
        this.holdFloorMillis = Math.min(config.completedHoldFloor(), config.timerJ(false));
        this.timerJMillis = config.timerJ(false);   // = Timer L, 64·T1 both (RFC 3261 Table 4, RFC 6026 §8.11)
    }

    /** Entries held now. */
    long count() {
        return count.get();
    }

    /** Bytes charged for the entries held now. */
    long bytes() {
        return bytes.get();
    }

    /** INVITE client transactions in Accepted charged against the budget ({@link #chargeAcceptedClient}). */
    long acceptedClients() {
        return acceptedClients.get();
    }

    /** Entries released before Timer J to stay within the budget. */
    long releasedEarly() {
        return releasedEarly.sum();
    }

    /**
     * Whether a new transaction may start: the budget has room, possibly after releasing entries that have
     * absorbed for the floor time. Transactions admitted while there is room may take the total over the budget
     * by their own responses; the next admission sees it.
     */
    boolean hasRoom() {
        if (bytes.get() < budgetBytes) {
            return true;
        }
        consumer.lock();
        try {
            releaseLocked(timer.now(), budgetBytes - 1);
            return bytes.get() < budgetBytes;
        } finally {
            consumer.unlock();
        }
    }

    /**
     * Takes over a transaction that sent its final response: the entry replaces the transaction in the table
     * (unless something else is there now) and is held until Timer J.
     *
     * @return the entry, or {@code null} if the transaction was no longer in the table
     */
    CompletedEntry add(ServerTransaction transaction, RetainedResponse response, int keyBytes) {
        long now = timer.now();
        int responseBytes = response == null ? 0 : response.retainedBytes();
        CompletedEntry entry = new CompletedEntry(transaction.key, response, now + timerJMillis,
                responseBytes + keyBytes + ENTRY_BYTES);
        if (!table.replace(transaction.key, transaction, entry)) {
            return null;
        }
        count.incrementAndGet();
        bytes.addAndGet(entry.bytes);
        CompletedEntry previous = (CompletedEntry) TAIL.getAndSet(this, entry);
        previous.linkNext(entry);
        if (bytes.get() > budgetBytes && consumer.tryLock()) {
            try {
                releaseLocked(now, budgetBytes);
            } finally {
                consumer.unlock();
            }
        }
        if (!expiryArmed.get() && expiryArmed.compareAndSet(false, true)) {
            armExpiry(timerJMillis);
        }
        return entry;
    }

    /**
     * An INVITE client transaction entered Accepted: it gave back its slot of the live-transaction count and is
     * charged {@link #ACCEPTED_CLIENT_BYTES} here until Timer M ends it ({@link #dischargeAcceptedClient}). It stays
     * a whole object, since every 2xx that comes in Accepted (retransmission or fork) goes to the TU with it; it is
     * never released early, but its charge makes older entries go sooner and, with the budget full, new requests
     * get 503.
     */
    void chargeAcceptedClient() {
        acceptedClients.incrementAndGet();
        bytes.addAndGet(ACCEPTED_CLIENT_BYTES);
    }

    void dischargeAcceptedClient() {
        acceptedClients.decrementAndGet();
        bytes.addAndGet(-ACCEPTED_CLIENT_BYTES);
    }

    /** Releases the oldest entries that have absorbed for the floor time until at most {@code limit} bytes are held. */
    private void releaseLocked(long now, long limit) {
        CompletedEntry oldest;
        while (bytes.get() > limit && (oldest = head.next()) != null
                && now - (oldest.expiresAtMillis - timerJMillis) >= holdFloorMillis) {
            releasedEarly.increment();
            removeOldestLocked(oldest);
        }
    }

    /**
     * Takes {@code oldest} (= {@code head.next}) off: it becomes the new head, which the queue keeps as its
     * placeholder; its key and response stay reachable from there until the next one goes, charged to nobody.
     */
    private void removeOldestLocked(CompletedEntry oldest) {
        head = oldest;
        count.decrementAndGet();
        bytes.addAndGet(-oldest.bytes);
        table.remove(oldest.key, oldest);
    }

    /** Timer J of every entry due: releases them and arms itself again for the oldest left. */
    private void expire() {
        long delay;
        consumer.lock();
        try {
            long now = timer.now();
            CompletedEntry oldest;
            while ((oldest = head.next()) != null && oldest.isExpired(now)) {
                removeOldestLocked(oldest);
            }
            if (oldest != null) {
                delay = oldest.expiresAtMillis - now;
            } else {
                expiryArmed.set(false);
                // An adder may have swapped the tail after the look at head.next and seen the task still armed:
                // then the queue is not empty and someone must watch it. Its entry expires a Timer J from about now.
                if (tail == head || !expiryArmed.compareAndSet(false, true)) {
                    return;
                }
                delay = timerJMillis;
            }
        } finally {
            consumer.unlock();
        }
        armExpiry(delay);
    }

    private void armExpiry(long delayMillis) {
        try {
            timer.schedule(this::expire, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Only while the stack shuts down: the entries go with the layer.
            LOG.debugf("Timer J of completed transactions not armed: %s", e.getMessage());
            expiryArmed.set(false);
        }
    }

    /**
     * Heap bytes of one entry besides the response and the key's strings: the entry (32), the key record (32),
     * the map's node (32) and its share of the map's table (8 / load factor 0.75). Measured figure per completed
     * REGISTER in the README.
     */
    static final int ENTRY_BYTES = 32 + 32 + 32 + 11;

    /**
     * Heap bytes an INVITE client transaction in Accepted keeps reachable: the transaction object and its
     * send-failure listener, its key and map node, the fields it read from the INVITE for ACK and CANCEL, Timer M on
     * the wheel, and the INVITE it sent, which is most of it and which it keeps even when its TU lets go.
     * Measured: {@code AcceptedCallFootprint} in tests/microbench, 1,844 B per proxied call on the real stack over
     * UDP after full GC, of which the server side's lean entry is charged ~225 B.
     */
    static final int ACCEPTED_CLIENT_BYTES = 1_600;
}
