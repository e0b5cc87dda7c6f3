package org.sipcity.stack.transaction;

import org.jboss.logging.Logger;
import org.sipcity.stack.timer.SipTimer;

import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The completed non-INVITE server transactions of unreliable transports and the INVITE server and client transactions
 * in Accepted, as {@link CompletedEntry lean entries}, held within a byte budget.
 *
 * <p>Why a byte budget and not a count: over UDP every REGISTER leaves its transaction in Completed for Timer J =
 * 64·T1 = 32 s, so the number held is 32 s times the request rate. A count bound caps throughput at bound / 32 s
 * (100,000 gave 3,125/s), whatever the memory. Here the bound is memory, and each entry is charged what it keeps
 * reachable.
 *
 * <p>The same holds for calls: RFC 6026 keeps every INVITE server transaction answered 2xx in Accepted for Timer L
 * and every INVITE client transaction for Timer M, both 64·T1 on every transport, so a stateful proxy holds
 * 2 × 32 s × its call rate of them. As whole transactions under the count bound of 100,000 they capped calls at
 * about 1,560/s; as whole client transactions charged to memory, the request each kept (and through its TU's
 * attachment the proxy's whole state of the call, ~18 KB in the container) filled a 704 MB heap at ~2,000 calls/s.
 *
 * <p>Timer J, L and M are all 64·T1, the same for every entry, so entries expire in the order they were added:
 * FIFO lists, and one task on the timer armed for the oldest entry's expiry, instead of one timer per transaction.
 *
 * <p>When an entry would take the total over the budget, the oldest entries are released early, but never before
 * they have been held for {@link TransactionConfig#completedHoldFloor()} (T4, as Kamailio's tm keeps completed
 * transactions 5 s by default): a client whose final response was lost retransmits within T2, and a UAS retransmits
 * its 2xx at intervals capped at T2 (RFC 3261 §13.3.1.4), so one retransmission is still absorbed or forwarded. If
 * the budget is full of entries younger than that, {@link #hasRoom} says no and the layer refuses new requests
 * (503), rather than treat retransmissions as new requests. The floor is waived for the entries of requests whose TU
 * declared itself {@linkplain ServerTransaction#markReplaySafe() replay-safe} (the registrar's REGISTER): a
 * retransmission after their release is answered again by the TU without a second effect, which costs one more pass
 * through the TU and nothing else, so refusing new work to keep them would cap the rate at budget / T4 for nothing.
 * Kamailio's registrar keeps no transaction for a REGISTER at all. They are queued apart from the others: in one
 * queue an entry younger than the floor at its head (a BYE answered 481 amid REGISTERs under overload) held back the
 * release of every replay-safe entry behind it, and new requests were refused. Releases take the oldest entry that
 * may go from either queue. A release takes the total 1/64 below the budget (for
 * budgets from 4 MiB), a batch: otherwise at a steady rate every admission on an event loop would find the budget
 * full and take the consumer lock, and every add would release one entry.
 *
 * <p>Threads: every thread that sends a final response over UDP adds an entry, and so does the event loop that
 * received an INVITE's first 2xx, so adding takes no lock: each list is a multi-producer, single-consumer
 * {@link CompletedEntryQueue}. Taking
 * entries off (Timer J on the timer thread, early release by an adder or by admission on an event loop when the
 * budget is full) holds {@link #consumer}; an adder that finds it held leaves the release to its holder. With one
 * monitor on every UDP final response, the 16 worker threads queued behind whichever holder the scheduler had
 * preempted: JFR showed waits of 60-94 ms on it at 15,000 REGISTER/s on a loaded host. The tables themselves are
 * the layer's concurrent maps.
 */
final class CompletedEntries {

    private static final Logger LOG = Logger.getLogger(CompletedEntries.class);

    private final Map<Object, Object> serverTable;
    private final Map<ClientTransactionKey, Object> clientTable;
    private final SipTimer timer;
    private final long budgetBytes;
    /**
     * How far below the budget a release over it brings the total: 1/64 of the budget when that is at least
     * {@link #MIN_BATCH_BYTES}, so that one release takes a batch of entries (~3,600 of a WildFly's 176 MB) and the
     * admissions and adds in between find room without the lock; 0 for small budgets (tests), released one by one.
     */
    private final long batchBytes;
    private final long holdFloorMillis;
    private final long timerJMillis;

    /** Held while entries are taken off the queues: by one consumer at a time. */
    private final ReentrantLock consumer = new ReentrantLock();
    /** Entries that must absorb retransmissions for the floor time before an early release, in Timer J order. */
    private final CompletedEntryQueue absorbing = new CompletedEntryQueue();
    /**
     * Entries of {@linkplain ServerTransaction#markReplaySafe() replay-safe} requests, in Timer J order: apart, so
     * that an entry of {@link #absorbing} younger than the floor does not hold back the release of those behind it.
     */
    private final CompletedEntryQueue replaySafe = new CompletedEntryQueue();
    /** Whether the expiry task is scheduled; set by the adder that finds the queue unwatched, cleared by expiry. */
    private final AtomicBoolean expiryArmed = new AtomicBoolean();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong acceptedClients = new AtomicLong();
    private final LongAdder releasedEarly = new LongAdder();
    private final LongAdder releasedBeforeFloor = new LongAdder();

    CompletedEntries(Map<Object, Object> serverTable, Map<ClientTransactionKey, Object> clientTable, SipTimer timer,
                     TransactionConfig config) {
        this.serverTable = serverTable;
        this.clientTable = clientTable;
        this.timer = timer;
        this.budgetBytes = config.completedMemoryBytes();
        this.batchBytes = budgetBytes / 64 >= MIN_BATCH_BYTES ? budgetBytes / 64 : 0;
        this.holdFloorMillis = Math.min(config.completedHoldFloor(), config.timerJ(false));
        this.timerJMillis = config.timerJ(false);   // = Timer L = Timer M, 64·T1 all (RFC 3261 Table 4, RFC 6026 §8.11)
    }

    /** Server entries held now (completed non-INVITE and accepted INVITE server transactions). */
    long count() {
        return count.get();
    }

    /** Bytes charged for the entries held now. */
    long bytes() {
        return bytes.get();
    }

    /** Entries of INVITE client transactions in Accepted held now ({@link #addAcceptedClient}). */
    long acceptedClients() {
        return acceptedClients.get();
    }

    /** How long the oldest entry held has been held, in ms on the layer's clock; 0 when none is (for diagnostics). */
    long oldestAgeMillis() {
        consumer.lock();
        try {
            CompletedEntry oldest = older(absorbing.oldest(), replaySafe.oldest());
            return oldest == null ? 0 : timer.now() - (oldest.expiresAtMillis - timerJMillis);
        } finally {
            consumer.unlock();
        }
    }

    /** Entries released before Timer J to stay within the budget. */
    long releasedEarly() {
        return releasedEarly.sum();
    }

    /** Of {@link #releasedEarly()}, the replay-safe entries released before they had absorbed for T4. */
    long releasedBeforeFloor() {
        return releasedBeforeFloor.sum();
    }

    /**
     * Whether a new transaction may start: the budget has room, possibly after releasing entries that may go
     * ({@link #mayRelease}: absorbed for the floor time, or replay-safe). Transactions admitted while there is room may take the total over the budget
     * by their own responses; the next admission sees it.
     */
    boolean hasRoom() {
        if (bytes.get() < budgetBytes) {
            return true;
        }
        consumer.lock();
        try {
            long now = timer.now();
            releaseLocked(now, budgetBytes - Math.max(batchBytes, 1));
            if (bytes.get() < budgetBytes) {
                return true;
            }
            // Still full. Refuse only if that is because nothing left may go yet. The release may instead have got the
            // total under the budget and the workers added entries since (their adds do not wait for this lock, and
            // leave releasing to its holder): then an entry may go, and the next release takes it. Before 2026-11-26
            // this answered 503 then, 1-2 in 225,000 REGISTERs at 22,500/s over UDP with 12 s of entries held, far
            // more than T4.
            return nextReleasable(now) != null;
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
        // Only a non-INVITE's final response is replayed by its TU (an INVITE in Accepted must still absorb, §13.3.1.4),
        // and only a request with an RFC 3261 branch: without one (RFC 2543) no TU can tell its retransmission from a
        // new request that repeats its Call-ID and CSeq.
        boolean replaySafe = transaction.replaySafe && response != null && transaction.key instanceof ServerTransactionKey;
        CompletedEntry entry = new CompletedEntry(transaction.key, response, null, now + timerJMillis,
                responseBytes + keyBytes + ENTRY_BYTES, replaySafe);
        if (!serverTable.replace(transaction.key, transaction, entry)) {
            return null;
        }
        hold(entry, now);
        return entry;
    }

    /**
     * Takes over an INVITE client transaction that received its first 2xx and passed it to its TU: an entry with its
     * key and {@code retained} (what the TU attached for the 2xx still to come) replaces it in the client table until
     * Timer M.
     *
     * @return when Timer M fires for it, on the layer's clock, or 0 if the transaction was no longer in the table
     */
    long addAcceptedClient(InviteClientTransaction transaction, Object retained) {
        long now = timer.now();
        CompletedEntry entry = new CompletedEntry(transaction.key, null, retained, now + timerJMillis,
                KeyStrings.bytes(transaction.key.branch()) + ENTRY_BYTES + ACCEPTED_CLIENT_RETAINED_BYTES, false);
        if (!clientTable.replace(transaction.key, transaction, entry)) {
            return 0;
        }
        hold(entry, now);
        return entry.expiresAtMillis;
    }

    /** Appends {@code entry} to the queue without a lock, releases early if over budget, and watches the queue. */
    private void hold(CompletedEntry entry, long now) {
        (entry.isClient() ? acceptedClients : count).incrementAndGet();
        bytes.addAndGet(entry.bytes);
        (entry.replaySafe ? replaySafe : absorbing).add(entry);
        if (bytes.get() > budgetBytes && consumer.tryLock()) {
            try {
                releaseLocked(now, budgetBytes - batchBytes);
            } finally {
                consumer.unlock();
            }
        }
        if (!expiryArmed.get() && expiryArmed.compareAndSet(false, true)) {
            armExpiry(timerJMillis);
        }
    }

    /** Releases the oldest entries that may go ({@link #nextReleasable}) until at most {@code limit} bytes are held. */
    private void releaseLocked(long now, long limit) {
        CompletedEntry oldest;
        while (bytes.get() > limit && (oldest = nextReleasable(now)) != null) {
            releasedEarly.increment();
            if (!hasAbsorbedForFloor(oldest, now)) {
                releasedBeforeFloor.increment();
            }
            removeOldestLocked(oldest);
        }
    }

    /**
     * The oldest entry that may be released before Timer J, or {@code null}: of the entries that have absorbed for the
     * floor time (T4), and of those whose TU answers a retransmission again without repeating its work
     * ({@link ServerTransaction#markReplaySafe()}), so that releasing them costs a repeated answer, not a repeated
     * effect, whichever is older. Each queue is in Timer J order, so only their oldest need a look.
     */
    private CompletedEntry nextReleasable(long now) {
        CompletedEntry absorbed = absorbing.oldest();
        if (absorbed != null && !hasAbsorbedForFloor(absorbed, now)) {
            absorbed = null;
        }
        return older(absorbed, replaySafe.oldest());
    }

    /** The one of two entries (either may be {@code null}) that expires first. */
    private static CompletedEntry older(CompletedEntry a, CompletedEntry b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return b.expiresAtMillis < a.expiresAtMillis ? b : a;
    }

    /** Whether {@code entry} has been held for the floor time (T4). */
    private boolean hasAbsorbedForFloor(CompletedEntry entry, long now) {
        return now - (entry.expiresAtMillis - timerJMillis) >= holdFloorMillis;
    }

    /** Takes {@code oldest}, the oldest of its queue, off the queue and out of its table. */
    private void removeOldestLocked(CompletedEntry oldest) {
        (oldest.replaySafe ? replaySafe : absorbing).removeOldest(oldest);
        bytes.addAndGet(-oldest.bytes);
        if (oldest.isClient()) {
            acceptedClients.decrementAndGet();
            clientTable.remove((ClientTransactionKey) oldest.key, oldest);
        } else {
            count.decrementAndGet();
            serverTable.remove(oldest.key, oldest);
        }
    }

    /** Timer J of every entry due: releases them and arms itself again for the oldest left. */
    private void expire() {
        long delay;
        consumer.lock();
        try {
            long now = timer.now();
            CompletedEntry oldest = older(expireLocked(absorbing, now), expireLocked(replaySafe, now));
            if (oldest != null) {
                delay = oldest.expiresAtMillis - now;
            } else {
                expiryArmed.set(false);
                // An adder may have swapped a tail after the look at the oldest and seen the task still armed: then a
                // queue is not empty and someone must watch it. Its entry expires a Timer J from about now.
                if ((absorbing.isEmpty() && replaySafe.isEmpty()) || !expiryArmed.compareAndSet(false, true)) {
                    return;
                }
                delay = timerJMillis;
            }
        } finally {
            consumer.unlock();
        }
        armExpiry(delay);
    }

    /** Releases the entries of {@code queue} that are due; returns the oldest left, or {@code null}. */
    private CompletedEntry expireLocked(CompletedEntryQueue queue, long now) {
        CompletedEntry oldest;
        while ((oldest = queue.oldest()) != null && oldest.isExpired(now)) {
            removeOldestLocked(oldest);
        }
        return oldest;
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
     * The least batch a release over the budget takes (1/64 of budgets from 4 MiB on): ~80 REGISTER entries. Below it
     * entries are released one at a time, as the budget's tests count them.
     */
    static final long MIN_BATCH_BYTES = 64 * 1024;

    /**
     * Heap bytes of one entry besides the response and the key's strings, with compressed references: the entry (a
     * 12-byte header, four references, a long, an int and a boolean: 48), the key record (32), the map's node (32) and its share
     * of the map's table (8 / load factor 0.75). Measured figure per completed REGISTER in the README.
     */
    static final int ENTRY_BYTES = 48 + 32 + 32 + 11;

    /**
     * Heap bytes an INVITE client transaction's entry is charged for what its TU kept with it: for the container, a
     * relay naming the upstream server transaction's channel (an object of 16 B and the channel's 32 B; the flow is
     * the connection's, shared). Measured: {@code AcceptedCallFootprint} in tests/microbench and the container's
     * {@code AcceptedCallHeapTest}.
     */
    static final int ACCEPTED_CLIENT_RETAINED_BYTES = 64;
}
