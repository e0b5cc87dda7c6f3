package org.sipcity.registrar.location;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A location table kept only in memory (Kamailio usrloc's db_mode 0): for a registrar whose bindings need not
 * survive a restart, and the reference the JPA implementation is held to. Lists are immutable and replaced whole.
 */
public final class InMemoryLocationService implements LocationService {

    private final ConcurrentHashMap<String, List<ContactBinding>> table = new ConcurrentHashMap<>();

    @Override
    public List<ContactBinding> lookup(String aor, Instant now) {
        List<ContactBinding> bindings = table.getOrDefault(aor, List.of());
        return bindings.stream().anyMatch(b -> b.isExpiredAt(now))
                ? bindings.stream().filter(b -> !b.isExpiredAt(now)).toList()
                : bindings;
    }

    @Override
    public void apply(BindingChange change) {
        table.compute(change.aor(), (aor, old) -> {
            List<ContactBinding> next = change.applyTo(old == null ? List.of() : old);
            return next.isEmpty() ? null : next;
        });
    }

    @Override
    public void removeAll(String aor) {
        table.remove(aor);
    }

    @Override
    public int reapExpired(Instant now, int batchSize) {
        int reaped = 0;
        Iterator<Map.Entry<String, List<ContactBinding>>> it = table.entrySet().iterator();
        while (it.hasNext() && reaped < batchSize) {
            String aor = it.next().getKey();
            int[] removed = new int[1];
            table.computeIfPresent(aor, (key, list) -> {
                List<ContactBinding> live = list.stream().filter(b -> !b.isExpiredAt(now)).toList();
                removed[0] = list.size() - live.size();
                return live.isEmpty() ? null : live;
            });
            reaped += removed[0];
        }
        return reaped;
    }

    @Override
    public Totals totals(Instant now) {
        long bindings = 0;
        long aors = 0;
        for (List<ContactBinding> list : table.values()) {
            long live = list.stream().filter(b -> !b.isExpiredAt(now)).count();
            bindings += live;
            aors += live > 0 ? 1 : 0;
        }
        return new Totals(bindings, aors);
    }

    @Override
    public long count() {
        return table.values().stream().mapToLong(List::size).sum();
    }
}
