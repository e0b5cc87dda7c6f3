package org.sipcity.registrar.location;

import java.time.Instant;
import java.util.List;

/**
 * The location table behind a narrow interface, as Kamailio's usrloc is to its registrar: the registrar writes
 * bindings, the proxy reads them. Implementations must answer {@link #lookup} from memory (it runs for every
 * request to a local user) and make each {@link BindingChange} visible atomically.
 */
public interface LocationService {

    /** The bindings of an AOR that have not expired at {@code now}, in no particular order; empty when none. */
    List<ContactBinding> lookup(String aor, Instant now);

    /**
     * Applies one REGISTER's updates. In write-through mode this returns once the change is committed to the database;
     * in write-back mode once it is visible in memory and queued.
     *
     * @throws LocationException when the change could not be stored (the registrar answers 500, §10.3 step 7)
     */
    void apply(BindingChange change);

    /** Removes every binding of an AOR (administration; also a {@code Contact: *} REGISTER through {@link #apply}). */
    void removeAll(String aor);

    /**
     * Deletes at most {@code batchSize} bindings that expired before {@code now}, from memory and database. In
     * write-back mode a stored row that lapsed while its binding lives in memory (a deferred refresh) is written
     * again instead of deleted.
     *
     * @return how many expired rows were handled, deleted or written again; the caller repeats while the result
     *         equals {@code batchSize}
     */
    int reapExpired(Instant now, int batchSize);

    /** The number of stored bindings, expired-but-not-reaped included. */
    long count();

    /**
     * Bindings unexpired at {@code now} and the AORs that have any, over the whole table (not only the AORs held in
     * memory): for administration, not for the request path.
     */
    Totals totals(Instant now);

    /** What {@link #totals} counts. */
    record Totals(long bindings, long addressesOfRecord) {
    }
}
