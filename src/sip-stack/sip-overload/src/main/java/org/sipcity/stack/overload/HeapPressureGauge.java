package org.sipcity.stack.overload;

import java.util.function.LongSupplier;

/**
 * Heap occupancy after garbage collection: what survived the heap pools' last collections, as a fraction of the
 * heap's maximum. Occupancy before collection says little (garbage awaits collection); after collection it says
 * how close the server is to a collection that frees nothing.
 *
 * <p><b>Aging.</b> The after-collection figure is only refreshed by a collection, and collections only run while
 * the server allocates. Once the load drops, nothing allocates, no collection runs, and the last figure (taken at
 * the peak) would stand for good: a valve that entered overload on heap pressure then stayed overloaded on an
 * idle server until some collection happened to run (seen for 4 minutes in a benchmark). So a figure older than
 * {@code maxAge} without any collection is no longer trusted and reads 0 (no heap pressure). The current pool
 * usage is no substitute: the uncollected garbage of the peak is still in it. Nothing real is lost by the
 * fallback: a server that allocates into a nearly full heap collects again at once, which brings back a fresh
 * figure within an evaluation or two.
 *
 * <p>Read on each evaluation by the valve's single evaluation thread, never per message; not thread-safe.
 */
final class HeapPressureGauge {

    private static final long NONE_SEEN = -1;

    private final HeapReadings readings;
    private final LongSupplier nanoClock;
    private final long maxAgeNanos;
    private long collectionsSeen = NONE_SEEN;
    private long lastCollectionSeenAt;

    /** A gauge of this JVM's heap. */
    HeapPressureGauge(OverloadSettings settings) {
        this(new MemoryPoolHeapReadings(), System::nanoTime, settings.heapReadingMaxAge().toNanos());
    }

    HeapPressureGauge(HeapReadings readings, LongSupplier nanoClock, long maxAgeNanos) {
        this.readings = readings;
        this.nanoClock = nanoClock;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Survived bytes over capacity, 0.0-1.0; 0 when no collection has run for longer than the maximum age. */
    double occupancyAfterGc() {
        long now = nanoClock.getAsLong();
        long collections = readings.collections();
        if (collections != collectionsSeen) {
            // The first reading counts as fresh: the gauge cannot know how old the figure it finds is.
            collectionsSeen = collections;
            lastCollectionSeenAt = now;
        } else if (now - lastCollectionSeenAt > maxAgeNanos) {
            return 0;
        }
        long capacity = readings.capacityBytes();
        return capacity > 0 ? Math.min(1.0, (double) readings.survivedBytes() / capacity) : 0;
    }
}
