package org.sipcity.stack.transaction;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A first-in first-out queue of {@link CompletedEntry entries} for {@link CompletedEntries}: many threads add without
 * a lock (one atomic exchange of the tail, the entries linked through themselves, no node allocated), one consumer
 * at a time takes the oldest off, under the lock its owner holds for that.
 */
final class CompletedEntryQueue {

    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(CompletedEntryQueue.class, "tail", CompletedEntry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The last entry taken off (at first a placeholder): the oldest held is {@code head.next}. Written by the consumer
     * only. Its key and response stay reachable from here until the next one goes, charged to nobody.
     */
    private CompletedEntry head = new CompletedEntry(null, null, null, Long.MAX_VALUE, 0, false);
    /** The youngest entry, swapped in by adders; equal to {@link #head} when none is held. */
    @SuppressWarnings("unused")
    private volatile CompletedEntry tail = head;

    /** Appends {@code entry}; any thread, no lock. */
    void add(CompletedEntry entry) {
        CompletedEntry previous = (CompletedEntry) TAIL.getAndSet(this, entry);
        previous.linkNext(entry);
    }

    /** The oldest entry held, or {@code null} (also while its adder has not linked it yet). Consumer only. */
    CompletedEntry oldest() {
        return head.next();
    }

    /** Takes {@code oldest}, which {@link #oldest()} returned, off. Consumer only. */
    void removeOldest(CompletedEntry oldest) {
        head = oldest;
    }

    /** Whether nothing is held, not even an entry whose adder has not linked it yet. Consumer only. */
    boolean isEmpty() {
        return tail == head;
    }
}
