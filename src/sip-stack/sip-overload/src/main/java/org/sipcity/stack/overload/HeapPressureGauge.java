package org.sipcity.stack.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Heap occupancy after garbage collection: the use each heap pool reported right after its last collection
 * ({@link MemoryPoolMXBean#getCollectionUsage()}, i.e. what survived), summed over the pools, as a fraction of the
 * heap's maximum. Occupancy before collection says little (garbage awaits collection); after collection it says
 * how close the server is to a collection that frees nothing.
 *
 * <p>The pools are summed rather than taken one by one: a young pool judged on its own looks full after every
 * collection (G1's survivor space has no maximum and commits exactly what it holds, so its used/committed is 1.0
 * on an idle server), while eden is empty. Read on each evaluation, not per message.
 */
final class HeapPressureGauge {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();

    double occupancyAfterGc() {
        long survived = 0;
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage != null) {
                survived += usage.getUsed();
            }
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long capacity = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return capacity > 0 ? Math.min(1.0, (double) survived / capacity) : 0;
    }
}
