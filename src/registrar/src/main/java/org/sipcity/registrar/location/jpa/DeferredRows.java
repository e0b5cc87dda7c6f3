package org.sipcity.registrar.location.jpa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AORs with a deferred row ({@link RefreshDeferral}), filed under the second in which their row falls due, so that
 * a flush looks at the AORs whose time has come and never walks every stored row (at 19,000 AORs that walk, every 10 s,
 * was the flusher's cost that grew with the table). Not thread-safe: used under the flusher's lock.
 * <p>
 * An AOR is filed again whenever its due time moves to an earlier second (a refresh that pushes the binding's expiry
 * out makes its row fall behind sooner), and the older filing is left where it is: taken out, it finds its row
 * written, gone, or due later, and is dropped or filed again under the right second. So an AOR may be filed more than
 * once; each filing is one reference, and one of them is always at or before its due second. Nothing is filed for an
 * AOR without a deferred row: an idle flow costs nothing here.
 */
final class DeferredRows {

    private static final long SECOND = 1000;

    /** By due second (ms / 1000, rounded up: every AOR of second {@code s} is due by {@code s × 1000}). */
    private final TreeMap<Long, ArrayList<String>> bySecond = new TreeMap<>();
    private int filed;

    /** Files {@code aor} under the second of {@code dueMillis} (a due time in the past: the next flush). */
    void file(String aor, long dueMillis) {
        bySecond.computeIfAbsent(second(dueMillis), s -> new ArrayList<>(4)).add(aor);
        filed++;
    }

    /** Takes out every AOR filed under a second that has begun by {@code now} (all of them due by then). */
    void takeDue(long nowMillis, Collection<String> into) {
        long current = Math.floorDiv(nowMillis, SECOND);
        Map.Entry<Long, ArrayList<String>> first;
        while ((first = bySecond.firstEntry()) != null && first.getKey() <= current) {
            bySecond.pollFirstEntry();
            into.addAll(first.getValue());
            filed -= first.getValue().size();
        }
    }

    /** Takes out every AOR filed (a graceful stop writes every deferred row). */
    void takeAll(Collection<String> into) {
        bySecond.values().forEach(into::addAll);
        bySecond.clear();
        filed = 0;
    }

    /** Filings held, stale ones included. */
    int size() {
        return filed;
    }

    /** Whether the second of {@code a} comes before that of {@code b}: a new filing is needed only then. */
    static boolean earlierSecond(long a, long b) {
        return second(a) < second(b);
    }

    private static long second(long dueMillis) {
        return dueMillis == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(dueMillis + SECOND - 1, SECOND);
    }
}
