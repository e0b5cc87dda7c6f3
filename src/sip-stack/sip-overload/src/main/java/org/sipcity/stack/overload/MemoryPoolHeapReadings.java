package org.sipcity.stack.overload;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * {@link HeapReadings} of this JVM from its memory pool and collector MXBeans.
 *
 * <p>The pools are summed rather than taken one by one: a young pool judged on its own looks full after every
 * collection (G1's survivor space has no maximum and commits exactly what it holds, so its used/committed is 1.0
 * on an idle server), while eden is empty.
 */
final class MemoryPoolHeapReadings implements HeapReadings {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();

    @Override
    public long survivedBytes() {
        long survived = 0;
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage != null) {
                survived += usage.getUsed();
            }
        }
        return survived;
    }

    @Override
    public long capacityBytes() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        return heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    }

    @Override
    public long collections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            count += Math.max(0, collector.getCollectionCount()); // -1: this collector does not count
        }
        return count;
    }
}
