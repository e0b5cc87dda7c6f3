package org.sipcity.stack.transport;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * How much of each event loop's time goes into read batches that end with data still waiting in the socket: the
 * read loop stopped at its cap ({@code maxMessagesPerRead}, 16) although the last read was full, so more bytes or
 * datagrams were queued in the kernel than the loop took in. A loop that keeps up drains its sockets and its
 * batches end on an empty read; a loop that cannot keep up never does, and that backlog, invisible to the worker
 * queue and to lag probes, is where the excess of an overload waits (or, over UDP, is dropped by the kernel).
 *
 * <p>A batch that ends because reading was paused ({@code autoRead} off: a connection whose peer does not read its
 * answers, see the README's back-pressure) is not saturated: one slow peer is the transport's business, not a reason
 * to shed everyone's work.
 *
 * <p>Counted once per read batch, never per message, on the event loop that ran it, into that loop's own counters
 * (single writer, read by the overload valve's evaluation thread). The transports install the counting receive
 * allocator on every channel ({@link org.sipcity.stack.transport.netty.CompactReceiveAllocator} on streams, {@link
 * org.sipcity.stack.transport.netty.ReadBatchCountingAllocator} on datagram sockets, whose batches count
 * as read time but never as cut off: over UDP the kernel's drop of the excess is the cheapest shed there is).
 */
public final class ReadSaturationMeter {

    private final LongSupplier nanoClock;
    private final List<LoopReads> loops = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<LoopReads> current = new FastThreadLocal<>() {
        @Override
        protected LoopReads initialValue() {
            LoopReads reads = new LoopReads(Thread.currentThread().getName());
            loops.add(reads);
            return reads;
        }
    };

    public ReadSaturationMeter() {
        this(System::nanoTime);
    }

    public ReadSaturationMeter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The monotonic clock batches are timed with. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Records one read batch of the calling thread (an event loop): when it began and ended, whether it was cut off. */
    public void batchEnded(long startNanos, long endNanos, boolean saturated) {
        current.get().add(Math.max(0, endNanos - startNanos), saturated);
    }

    /**
     * A read batch of the calling event loop begins. For handles that keep no start time of their own (one per
     * connection, where 8 bytes count): a loop runs one batch at a time, so its start is kept per loop.
     */
    public void batchStarted() {
        current.get().batchStartNanos = nanoClock.getAsLong();
    }

    /** The batch {@link #batchStarted} began on the calling event loop has ended; whether it was cut off. */
    public void batchEnded(boolean saturated) {
        LoopReads reads = current.get();
        reads.add(Math.max(0, nanoClock.getAsLong() - reads.batchStartNanos), saturated);
    }

    /** The counters of every thread that has read so far, in the order they first read (the list only grows). */
    public List<LoopReads> loops() {
        return loops;
    }

    /** One event loop's cumulative read-batch counters; written by that loop only. */
    public static final class LoopReads {
        private final String thread;
        private volatile long batches;
        private volatile long saturatedBatches;
        private volatile long busyNanos;
        private volatile long saturatedNanos;
        /** The start of the batch in progress, for {@link #batchStarted()}; the loop's own. */
        private long batchStartNanos;

        LoopReads(String thread) {
            this.thread = thread;
        }

        void add(long nanos, boolean saturated) {
            // Single writer (the loop itself): plain read-modify-write of volatile fields is safe.
            batches = batches + 1;
            busyNanos = busyNanos + nanos;
            if (saturated) {
                saturatedBatches = saturatedBatches + 1;
                saturatedNanos = saturatedNanos + nanos;
            }
        }

        public String thread() {
            return thread;
        }

        public long batches() {
            return batches;
        }

        /** Batches that ended at the read cap with data still waiting. */
        public long saturatedBatches() {
            return saturatedBatches;
        }

        /** Wall time spent inside read batches. */
        public long busyNanos() {
            return busyNanos;
        }

        /** Wall time spent inside batches that ended at the read cap with data still waiting. */
        public long saturatedNanos() {
            return saturatedNanos;
        }
    }
}
