package org.sipcity.stack.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Heap occupancy after garbage collection: for each heap pool that reports it (the old generation of every
 * HotSpot collector), {@link MemoryPoolMXBean#getCollectionUsage()} is the pool's use right after its last
 * collection, i.e. live data; the highest ratio to the pool's maximum (or committed size when unbounded) is the
 * figure. Occupancy before collection says little (garbage awaits collection); after collection it says how
 * close the server is to a collection that frees nothing. Read on each evaluation, not per message.
 */
final class HeapPressureGauge {

    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();

    double occupancyAfterGc() {
        double max = 0;
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage == null) {
                continue;
            }
            long capacity = usage.getMax() > 0 ? usage.getMax() : usage.getCommitted();
            if (capacity > 0) {
                max = Math.max(max, (double) usage.getUsed() / capacity);
            }
        }
        return max;
    }
}
