package org.sipcity.stack.overload;

/**
 * The raw heap figures the {@link HeapPressureGauge} judges: what survived the last collection of each heap pool,
 * the heap's capacity, and how many collections have run so far (to tell a fresh after-collection figure from a
 * stale one). The JVM's are {@link MemoryPoolHeapReadings}; a test plays its own on a fake clock.
 */
interface HeapReadings {

    /** Bytes in use right after each heap pool's last collection, summed over the pools. */
    long survivedBytes();

    /** The heap's maximum, or what is committed when it has no maximum; 0 when unknown. */
    long capacityBytes();

    /** Collections run by all collectors since the JVM started; any increase means a new after-collection figure. */
    long collections();
}
