package org.sipcity.registrar.location.jpa;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.BindingVersions;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.location.InstanceId;
import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.location.LocationService;
import org.sipcity.registrar.location.NodeLiveness;

/**
 * The location service on JPA with an in-memory table in front (Kamailio usrloc with a database).
 * <p>
 * <b>Reads</b> come from memory: a write-back service loads every stored binding when it starts; otherwise an AOR's
 * bindings are loaded from the database the first time it is looked up. From then on the in-memory list is
 * authoritative, since every write of this node goes through here (one node owns its location table, as in the
 * paper). Lists are immutable and replaced whole, so readers never lock.
 * <p>
 * <b>Writes</b> in {@link WriteMode#WRITE_THROUGH}: the change is committed, then published in memory.
 * In {@link WriteMode#WRITE_BACK}: published in memory, and the AOR marked dirty; every flush interval the flusher
 * writes the current in-memory bindings of all dirty AORs in one transaction, against the rows stored (update a
 * refreshed binding's row in place, insert new keys, delete removed ones; batched JDBC). The flusher remembers, per AOR,
 * the id and binding of each row it committed or preloaded, so it writes without reading the rows: a refresh is an
 * UPDATE of expiry, Call-ID, CSeq and connection by id, an unchanged binding costs nothing; only the rows of AORs whose
 * last flush failed are read again first. Several refreshes of one AOR within an interval cost one write. A failed
 * flush keeps its AORs dirty for the next one; when the database refuses rows, the batch is halved until only the
 * refused AORs are left dirty. {@link #close()} flushes everything; a crash loses the dirty AORs of at most one
 * interval. The reaper deletes rows under the flusher's lock and tells it which.
 * <p>
 * <b>Deferred refreshes</b> (write-back on one node, {@link RefreshDeferral}): a refresh whose row still keeps enough of
 * the binding's remaining life is not written; the row keeps its older expiry, Call-ID, CSeq and connection. At every
 * flush the flusher writes the deferred rows that fall due ({@link DeferredRows}: filed by due second, so it never
 * walks every row) before they fall too far behind, so a row never lapses while its binding lives;
 * should one lapse all the same (a flusher late or failing), the reaper writes it instead of deleting it.
 * <p>
 * <b>Several nodes</b> on one database ({@link BindingVersions#isShared()}, docs/CLUSTERING.md): write-through only.
 * Each loaded AOR remembers the version stamp read before its rows; a lookup that finds another stamp reloads. A
 * write commits, publishes a new stamp (every node holds it when this returns) and drops this node's entry, which the
 * next lookup reloads: this node cannot tell whether another node committed between its commit and its stamp.
 */
public final class JpaLocationService implements LocationService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JpaLocationService.class);
    /** AORs per IN-list of the write-back's read of stored rows; well under every database's bind-parameter limit. */
    private static final int IN_LIST_SIZE = 500;
    /** Rows per query of the preload. */
    private static final int PRELOAD_PAGE = 5_000;

    private final EntityManagerFactory factory;
    private final WriteMode mode;
    /**
     * Each AOR's bindings in memory: the immutable list itself on one node (no wrapper object per AOR), a {@link
     * Stamped} list when nodes share the database and the list must carry the stamp read before its rows.
     */
    private final ConcurrentHashMap<String, List<ContactBinding>> table = new ConcurrentHashMap<>();
    private final BindingVersions versions;
    /** This node's name, written with every binding it stores ({@code owner_node}); null on a single node. */
    private final String owner;
    private final ConcurrentLinkedQueue<String> dirty = new ConcurrentLinkedQueue<>();
    private final Set<String> dirtySet = ConcurrentHashMap.newKeySet();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ScheduledExecutorService flusher;
    /**
     * What the write-back flusher knows is stored, per AOR: the rows it last committed or preloaded, {@link
     * StoredRow#UNKNOWN} after a failed flush; no entry means no row once {@link #preloaded}, unknown otherwise. A known
     * AOR is written without reading its rows. Only touched under {@link #flushLock}, so a plain map (open addressing,
     * no entry object per AOR); the reaper, which deletes rows under the same lock, keeps it in step.
     */
    private final AorMap<StoredRow> stored = new AorMap<>();
    private final int maxDirty;
    /** When a refresh may wait (write-back); {@link RefreshDeferral#NONE} writes every one. */
    private final RefreshDeferral deferral;
    /** The AORs with a deferred row, by the second it falls due (under {@link #flushLock}). */
    private final DeferredRows deferredRows = new DeferredRows();
    private final AtomicLong failedFlushes = new AtomicLong();
    /** Which owners are alive: bindings of the others are skipped ({@link NodeLiveness#SINGLE_NODE} on one node). */
    private volatile NodeLiveness liveness = NodeLiveness.SINGLE_NODE;
    /**
     * Every stored binding is in memory ({@link #preload}): an AOR absent from the table has no binding, and neither a
     * lookup nor a REGISTER asks the database. Only a write-back service, the only writer of its rows, preloads.
     */
    private volatile boolean preloaded;

    /** A write-through service. */
    public static JpaLocationService writeThrough(EntityManagerFactory factory) {
        return new JpaLocationService(factory, WriteMode.WRITE_THROUGH, Duration.ZERO, 0, RefreshDeferral.NONE,
                BindingVersions.SINGLE_NODE, null);
    }

    /**
     * A write-through service of node {@code owner}, kept coherent with the other nodes' through {@code versions}.
     * Starting, it releases the outbound flows this node held in its previous life ({@link #releaseOwnFlows()}).
     */
    public static JpaLocationService writeThrough(EntityManagerFactory factory, BindingVersions versions,
            String owner) {
        JpaLocationService service = new JpaLocationService(factory, WriteMode.WRITE_THROUGH, Duration.ZERO, 0,
                RefreshDeferral.NONE, versions, Objects.requireNonNull(owner, "owner"));
        int released = service.releaseOwnFlows();
        if (released > 0) {
            LOG.infof("node %s: %d outbound-flow bindings of its previous run removed (their connections are gone)",
                    owner, released);
        }
        return service;
    }

    /**
     * A write-back service that writes every refresh at the next flush.
     *
     * @param interval how often dirty AORs are written (the crash window)
     * @param maxDirty beyond this many dirty AORs the writer flushes at once on its own thread (back-pressure)
     */
    public static JpaLocationService writeBack(EntityManagerFactory factory, Duration interval, int maxDirty) {
        return writeBack(factory, interval, maxDirty, RefreshDeferral.NONE);
    }

    /**
     * A write-back service that writes a refresh only when {@code deferral} says its row would otherwise fall too far
     * behind (one node only: no other node reads these rows).
     *
     * @param interval how often dirty AORs are written (the crash window of every change but a deferred refresh)
     * @param maxDirty beyond this many dirty AORs the writer flushes at once on its own thread (back-pressure)
     */
    public static JpaLocationService writeBack(EntityManagerFactory factory, Duration interval, int maxDirty,
            RefreshDeferral deferral) {
        JpaLocationService service = new JpaLocationService(factory, WriteMode.WRITE_BACK, interval, maxDirty,
                deferral, BindingVersions.SINGLE_NODE, null);
        service.preload();
        return service;
    }

    private JpaLocationService(EntityManagerFactory factory, WriteMode mode, Duration interval, int maxDirty,
            RefreshDeferral deferral, BindingVersions versions, String owner) {
        this.factory = factory;
        this.versions = Objects.requireNonNull(versions, "versions");
        this.owner = owner;
        this.mode = mode;
        this.maxDirty = maxDirty;
        this.deferral = Objects.requireNonNull(deferral, "deferral");
        if (mode == WriteMode.WRITE_BACK) {
            if (interval.isZero() || interval.isNegative() || maxDirty < 1) {
                throw new IllegalArgumentException("write-back needs a positive interval and dirty limit");
            }
            AtomicInteger threads = new AtomicInteger();
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sipcity-location-flusher-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            long millis = interval.toMillis();
            flusher.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    public WriteMode mode() {
        return mode;
    }

    /** This node's name when the bindings are shared with other nodes, else {@code null}. */
    public String node() {
        return owner;
    }

    /**
     * From now on, lookups skip the bindings of nodes {@code liveness} says are not alive (docs/CLUSTERING.md); closed
     * with this service when it is {@link AutoCloseable}.
     */
    public void followMembership(NodeLiveness liveness) {
        this.liveness = Objects.requireNonNull(liveness, "liveness");
    }

    /** Whether other nodes share the database and keep their tables coherent with this one's. */
    public boolean isShared() {
        return versions.isShared();
    }

    @Override
    public List<ContactBinding> lookup(String aor, Instant now) {
        List<ContactBinding> loaded = table.get(aor);
        if (loaded == null) {
            if (preloaded) {
                return List.of();
            }
            loaded = table.computeIfAbsent(aor, this::loadStamped);
        } else if (versions.isShared()) {
            Long stamp = versions.current(aor);
            if (!Objects.equals(stamp, Stamped.stampOf(loaded))) {
                loaded = table.compute(aor, (key, old) -> old != null && Objects.equals(Stamped.stampOf(old), stamp)
                        ? old : loadStamped(key));
            }
        }
        List<ContactBinding> bindings = Stamped.bindingsOf(loaded);
        for (ContactBinding binding : bindings) {
            if (binding.isExpiredAt(now) || !isUsable(binding)) {
                return bindings.stream().filter(b -> !b.isExpiredAt(now) && isUsable(b)).toList();
            }
        }
        return bindings;
    }

    /** A binding is usable unless its owner node left the cluster: its flow and its Path died with that node. */
    private boolean isUsable(ContactBinding binding) {
        String node = binding.ownerNode();
        return node == null || node.equals(owner) || liveness.isAlive(node);
    }

    @Override
    public void apply(BindingChange change) {
        if (change.isEmpty()) {
            return;
        }
        if (mode == WriteMode.WRITE_THROUGH) {
            try {
                Transactions.inTransaction(factory, em -> {
                    write(em, change);
                    return null;
                });
            } catch (PersistenceException e) {
                throw new LocationException("bindings of " + change.aor() + " not stored", e);
            }
            if (versions.isShared()) {
                versions.changed(change.aor());
                table.remove(change.aor());
            } else {
                table.compute(change.aor(), (aor, old) -> applyTo(change, old));
            }
            return;
        }
        table.compute(change.aor(), (aor, old) -> applyTo(change, old));
        if (dirtySet.add(change.aor())) {
            dirty.add(change.aor());
        }
        if (dirtySet.size() > maxDirty) {
            // Back-pressure: this writer pays for a flush. The change is already visible, so a failed flush is
            // logged and retried, not reported to this REGISTER.
            flushQuietly();
        }
    }

    @Override
    public void removeAll(String aor) {
        apply(new BindingChange(aor, List.of(), List.of(), true));
    }

    /**
     * The expired rows come from the database's index on {@code expires_at}, and only their AORs are looked at in
     * memory: a run costs what it reaps, not a walk over every AOR (at 19,000 AORs, once a minute, that walk under the
     * flush lock was one of the periodic passes that grew with the table). Memory holds no expired binding without an
     * expired row for long: a stored row never outlives its binding (a shortened lifetime is written at the next
     * flush, {@link RefreshDeferral}), a binding not yet stored gets its row at the next flush, and write-through
     * stores before it publishes. The exception is a binding whose row another node deleted (nodes sharing the
     * database): its AOR keeps it until the AOR is loaded again, and lookups skip it as they skip any expired binding.
     */
    @Override
    public int reapExpired(Instant now, int batchSize) {
        long cutoff = now.toEpochMilli();
        // Under the flush lock: a flush updates rows by id, so it must know of every row deleted here (a refresh not
        // yet written is expired in the database), and never between deciding and writing.
        flushLock.lock();
        try {
            List<Object[]> reaped = new ArrayList<>();
            Set<String> alive = new LinkedHashSet<>();
            Set<String> touched = new HashSet<>();
            int[] liveRows = {0};
            int deleted = Transactions.inTransaction(factory, em -> {
                for (Object[] row : em.createQuery("select b.id, b.aor, b.bindingKey from Binding b"
                        + " where b.expiresAt <= :cutoff", Object[].class).setParameter("cutoff", cutoff)
                        .setMaxResults(batchSize).getResultList()) {
                    touched.add((String) row[1]);
                    if (mode == WriteMode.WRITE_BACK && isAliveInMemory((String) row[1], (String) row[2], now)) {
                        alive.add((String) row[1]);
                        liveRows[0]++;
                    } else {
                        reaped.add(row);
                    }
                }
                if (reaped.isEmpty()) {
                    return 0;
                }
                List<Long> ids = reaped.stream().map(row -> ((Number) row[0]).longValue()).toList();
                return em.createQuery("delete from Binding b where b.id in :ids").setParameter("ids", ids)
                        .executeUpdate();
            });
            // Expired bindings of those AORs leave the table (and AORs left empty leave it too when nothing of theirs
            // waits to be written; an absent AOR has no binding once preloaded, else it is reloaded on its next
            // lookup).
            touched.forEach(aor -> dropExpired(aor, now));
            // The write-back flusher writes known AORs by row id without reading them: it must learn of these rows'
            // end, so that a refresh of one of them not written yet is inserted again rather than updating nothing.
            forgetRows(reaped);
            if (!alive.isEmpty()) {
                rewriteRowsOfLiveBindings(List.copyOf(alive), cutoff);
            }
            // Rewritten rows count as handled: a batch of live ones must not end the caller's loop early.
            return deleted + liveRows[0];
        } catch (PersistenceException e) {
            throw new LocationException("expired bindings not reaped", e);
        } finally {
            flushLock.unlock();
        }
    }

    /** Removes the bindings of {@code aor} expired at {@code now} from memory; the AOR too when left empty and clean. */
    private void dropExpired(String aor, Instant now) {
        table.computeIfPresent(aor, (key, loaded) -> {
            List<ContactBinding> list = Stamped.bindingsOf(loaded);
            List<ContactBinding> live = list.stream().filter(b -> !b.isExpiredAt(now)).toList();
            if (live.isEmpty() && !dirtySet.contains(key)) {
                return null;
            }
            return live.size() == list.size() ? loaded : Stamped.of(live, Stamped.stampOf(loaded));
        });
    }

    /** Whether {@code aor} holds in memory a binding alive at {@code now} whose stored key is {@code storedKey}. */
    private boolean isAliveInMemory(String aor, String storedKey, Instant now) {
        List<ContactBinding> loaded = table.get(aor);
        if (loaded == null) {
            return false;
        }
        for (ContactBinding binding : Stamped.bindingsOf(loaded)) {
            if (!binding.isExpiredAt(now) && BindingKeys.stored(binding.key()).equals(storedKey)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Write-back: the reaper found expired rows whose bindings are alive in memory (a refresh written neither at its
     * flush nor, deferred, before its row lapsed: the flusher late or failing, or a clock jump). It never deletes
     * them: their AORs are written now, their rows read first (whatever the flusher believed of them), so each such row
     * gets the binding's expiry. A failure leaves them dirty for the flusher and is reported to the reaper.
     */
    private void rewriteRowsOfLiveBindings(List<String> aors, long cutoff) {
        for (String aor : aors) {
            stored.put(aor, StoredRow.UNKNOWN);
        }
        try {
            writeSnapshots(aors, deferral, Math.max(deferral.horizon(), cutoff + deferral.lookaheadMillis()));
        } catch (RuntimeException e) {
            keepDirty(aors);
            throw e;
        }
    }

    @Override
    public long count() {
        return Transactions.read(factory, em -> em.createQuery("select count(b) from Binding b", Long.class)
                .getSingleResult());
    }

    /**
     * Adds to {@code batch} every AOR with a deferred row due by {@code now} (or, with {@code everything}, any deferred
     * row): the rows of bindings no REGISTER refreshed again before their stored expiry came too near. Only the AORs
     * {@link #deferredRows} holds for the seconds up to now are looked at, not every stored row (Kamailio's usrloc
     * timer walks every record; here that walk, every 10 s over all AORs, grew with the table); a filing whose row was
     * written or removed since is dropped, one whose row falls due later is filed again.
     */
    private void addDeferredRowsDue(Set<String> batch, long now, boolean everything) {
        List<String> taken = new ArrayList<>();
        if (everything) {
            deferredRows.takeAll(taken);
        } else {
            deferredRows.takeDue(now, taken);
        }
        for (String aor : taken) {
            long due = writeDueAt(stored.get(aor));
            if (due == NOTHING_DEFERRED) {
                continue;
            }
            if (everything || due <= now) {
                batch.add(aor);
            } else {
                deferredRows.file(aor, due);
            }
        }
    }

    /** {@link #writeDueAt} of a chain without a deferred row. */
    private static final long NOTHING_DEFERRED = Long.MAX_VALUE;

    /** When the first deferred row of {@code rows} must be written ({@link RefreshDeferral#writeDueAt}). */
    private long writeDueAt(StoredRow rows) {
        long due = NOTHING_DEFERRED;
        if (rows == StoredRow.UNKNOWN) {
            return due;
        }
        for (StoredRow row = rows; row != null; row = row.next) {
            if (row.isDeferred()) {
                due = Math.min(due, deferral.writeDueAt(row.storedFrom(), row.storedTo(),
                        row.written.expiresAtMillis()));
            }
        }
        return due;
    }

    /**
     * Keeps {@link #deferredRows} in step with a chain committed for {@code aor} at {@code now} over {@code before}: a
     * deferred row is filed unless a filing of {@code before} not yet taken out covers its second already.
     */
    private void fileDeferred(String aor, StoredRow before, StoredRow after, long now) {
        long due = writeDueAt(after);
        if (due == NOTHING_DEFERRED) {
            return;
        }
        long dueBefore = writeDueAt(before);
        if (dueBefore == NOTHING_DEFERRED || dueBefore <= now || DeferredRows.earlierSecond(due, dueBefore)) {
            deferredRows.file(aor, due);
        }
    }

    /** Write-back writes what is pending first, so the database holds every AOR, loaded in memory or not. */
    @Override
    public Totals totals(Instant now) {
        flush();
        try {
            Object[] counts = Transactions.read(factory, em -> em
                    .createQuery("select count(b), count(distinct b.aor) from Binding b where b.expiresAt > :now", Object[].class)
                    .setParameter("now", now.toEpochMilli()).getSingleResult());
            return new Totals(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue());
        } catch (PersistenceException e) {
            throw new LocationException("bindings not counted", e);
        }
    }

    /**
     * Write-back: writes every dirty AOR now, and every deferred refresh that is due ({@link RefreshDeferral}). Does
     * nothing in write-through mode.
     */
    public void flush() {
        flush(false);
    }

    /** @param everything deferred refreshes too, all of them (a graceful stop) */
    private void flush(boolean everything) {
        if (mode != WriteMode.WRITE_BACK) {
            return;
        }
        flushLock.lock();
        try {
            // A set, not a list: an AOR leaves the dirty set as it is polled, so a change landing while the rest of the
            // queue drains queues it again and this drain meets it twice. Written twice in one transaction, its rows
            // collided with themselves on the unique (aor, binding_key) and the whole flush failed.
            Set<String> drained = new LinkedHashSet<>();
            String aor;
            while ((aor = dirty.poll()) != null) {
                dirtySet.remove(aor);
                drained.add(aor);
            }
            long now = deferral.now();
            long horizon = now + deferral.lookaheadMillis();
            if (deferral.isActive()) {
                addDeferredRowsDue(drained, now, everything);
            }
            if (drained.isEmpty()) {
                return;
            }
            RefreshDeferral rule = everything ? RefreshDeferral.NONE : deferral;
            List<String> batch = List.copyOf(drained);
            List<String> unwritten = batch;
            RuntimeException failure = null;
            try {
                writeSnapshots(batch, rule, horizon);
                unwritten = List.of();
            } catch (RuntimeException e) {
                failure = e;
                if (isCausedByRows(e)) {
                    // One AOR whose rows the database refuses (a value over a column's width, say) must not keep
                    // every other AOR out of the database: halve until the refused ones are alone.
                    unwritten = writeIsolating(batch, rule, horizon);
                }
            } catch (Error e) {
                keepDirty(batch);
                throw e;
            }
            if (!unwritten.isEmpty()) {
                failedFlushes.incrementAndGet();
                // Keep them dirty: the next interval tries again; meanwhile memory stays authoritative.
                keepDirty(unwritten);
                throw new LocationException(unwritten.size() + " of " + batch.size() + " dirty AORs not written"
                        + (unwritten.size() <= 3 ? " " + unwritten : "") + ", will retry", failure);
            }
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * Removes the outbound-flow bindings ({@code +sip.instance} and {@code reg-id}) this node stored in an earlier
     * run: a flow is a connection of the process that accepted it, so none of them can be used any more (RFC 5626
     * §5.3 would answer 430). Their UAs re-register over a new flow. Every AOR touched gets a new stamp, so the other
     * nodes stop listing them at once. Bindings of other nodes, and this node's bindings that are not flows, stay.
     *
     * @return how many bindings were removed
     */
    public int releaseOwnFlows() {
        return owner == null ? 0 : releaseFlowsOf(owner);
    }

    /**
     * Removes the outbound-flow bindings node {@code node} stored: it started again, stopped, or left the cluster
     * (then the view's coordinator calls this for it). The same rule as {@link #releaseOwnFlows()}; idempotent, so
     * that the node itself and the coordinator may both run it.
     *
     * @return how many bindings were removed
     */
    public int releaseFlowsOf(String node) {
        try {
            List<String> aors = Transactions.read(factory, em -> em.createQuery(
                    "select distinct b.aor from Binding b where b.ownerNode = :owner and b.flow is not null",
                    String.class).setParameter("owner", node).getResultList());
            if (aors.isEmpty()) {
                return 0;
            }
            int removed = Transactions.inTransaction(factory, em -> em.createQuery(
                    "delete from Binding b where b.ownerNode = :owner and b.flow is not null")
                    .setParameter("owner", node).executeUpdate());
            versions.changedAll(aors);
            aors.forEach(table::remove);
            return removed;
        } catch (PersistenceException e) {
            throw new LocationException("outbound flows of node " + node + " not released", e);
        }
    }

    /** How many write-back flushes failed (and left their AORs dirty for the next one), for metrics and tests. */
    public long failedFlushes() {
        return failedFlushes.get();
    }

    /** The number of AORs changed in memory and not yet written (write-back), for metrics and tests. */
    public int dirtyCount() {
        return dirtySet.size();
    }

    /** Stops the flusher and writes what is pending: a graceful shutdown loses nothing. */
    @Override
    public void close() {
        if (owner != null) {
            leaveCluster();
        }
        if (flusher == null) {
            return;
        }
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("location flusher did not stop within 30 s; flushing from the closing thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(true);
    }

    /**
     * A node that stops gracefully takes its flows with it (its connections close): it removes their bindings itself,
     * so that the other nodes stop offering them at once, whatever the order in which the cluster learns of its
     * leaving. Then it stops following the membership.
     */
    private void leaveCluster() {
        try {
            int released = releaseOwnFlows();
            LOG.infof("node %s stopping: %d outbound-flow bindings released", owner, released);
        } catch (LocationException e) {
            LOG.warnf("node %s stopping: its outbound-flow bindings were not released (%s); the coordinator of the"
                    + " remaining nodes removes them", owner, rootCause(e));
        }
        if (liveness instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debugf(e, "membership listener of node %s not closed", owner);
            }
        }
    }

    /** The flusher's and back-pressure's flush: one line per failure with its cause, the stack trace at DEBUG. */
    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.errorf("write-back of bindings failed, %d AORs kept dirty and retried next interval: %s", dirtyCount(),
                    rootCause(e));
            LOG.debug("write-back failure", e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause;
    }

    private void keepDirty(List<String> aors) {
        for (String aor : aors) {
            if (dirtySet.add(aor)) {
                dirty.add(aor);
            }
        }
    }

    /** Writes {@code aors} in halves, recursively; returns the AORs that failed on their own. */
    private List<String> writeIsolating(List<String> aors, RefreshDeferral rule, long horizon) {
        if (aors.size() == 1) {
            return aors;
        }
        List<String> failed = new ArrayList<>();
        for (List<String> half : List.of(aors.subList(0, aors.size() / 2), aors.subList(aors.size() / 2, aors.size()))) {
            try {
                writeSnapshots(half, rule, horizon);
            } catch (RuntimeException e) {
                failed.addAll(isCausedByRows(e) ? writeIsolating(half, rule, horizon) : half);
            }
        }
        return failed;
    }

    /**
     * Whether the database refused the rows themselves (SQLSTATE class 22 data exception or 23 integrity constraint
     * violation), as opposed to a failed connection or a timeout, where retrying parts would only multiply failures.
     */
    private static boolean isCausedByRows(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the current bindings of {@code aors} in one transaction, row by row against what is stored: a binding
     * whose key has a row updates that row in place (only if a column changed; a refresh, by far the commonest change,
     * writes its expiry, Call-ID, CSeq and connection only), a new key is inserted, a stored key no longer in memory is
     * deleted.
     * <p>
     * What is stored comes from {@link #stored}, what this flusher committed or preloaded, so a known AOR costs no read:
     * an unchanged binding costs nothing, a refresh one batched five-column UPDATE by id ({@link RowWrites}), built
     * without an entity. Only AORs whose rows are unknown (after a failed flush, or when the preload failed) have their
     * rows read first. New rows are persisted as entities (their id comes from the sequence). When the transaction
     * fails, whatever its outcome, the rows of all {@code aors} become unknown: the next flush reads them.
     */
    private void writeSnapshots(List<String> aors, RefreshDeferral rule, long horizon) {
        Map<String, StoredRow> committed = new HashMap<>();
        try {
            Transactions.inTransaction(factory, em -> {
                for (int from = 0; from < aors.size(); from += IN_LIST_SIZE) {
                    writeChunk(em, aors.subList(from, Math.min(aors.size(), from + IN_LIST_SIZE)), committed, rule,
                            horizon);
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            // Rolled back, or committed with the answer lost (a connection dropped during the commit): only a read
            // tells, so the next flush of these AORs reads their rows.
            for (String aor : aors) {
                stored.put(aor, StoredRow.UNKNOWN);
            }
            throw e;
        }
        long now = horizon - deferral.lookaheadMillis();
        committed.forEach((aor, rows) -> {
            StoredRow before = rows == null ? stored.remove(aor) : stored.put(aor, rows);
            if (deferral.isActive()) {
                fileDeferred(aor, before, rows, now);
            }
        });
    }

    /** One round of statements for up to {@link #IN_LIST_SIZE} AORs; their new stored rows go into {@code committed}. */
    private void writeChunk(EntityManager em, List<String> chunk, Map<String, StoredRow> committed,
            RefreshDeferral rule, long horizon) {
        RowWrites writes = new RowWrites(owner);
        List<String> unknown = null;
        for (String aor : chunk) {
            if (storedRows(aor) == StoredRow.UNKNOWN) {
                if (unknown == null) {
                    unknown = new ArrayList<>();
                }
                unknown.add(aor);
            }
        }
        Map<String, StoredRow> read = unknown == null ? Map.of() : readRows(em, unknown, writes);
        List<StoredRow> inserts = new ArrayList<>();
        for (String aor : chunk) {
            StoredRow rows = storedRows(aor);
            if (rows == StoredRow.UNKNOWN) {
                rows = read.get(aor);
            }
            List<ContactBinding> loaded = table.get(aor);
            List<ContactBinding> bindings = loaded == null ? List.of() : Stamped.bindingsOf(loaded);
            committed.put(aor, plan(bindings, rows, writes, inserts, rule, horizon));
        }
        // deletes and updates first, then inserts: a key deleted and inserted again never meets itself in the index
        for (RowWrites.Update vanished : writes.execute(em)) {
            // The row was deleted behind the flush's back (the driver said 0 rows updated): store the binding anew.
            inserts.add((StoredRow) vanished.tag());
        }
        for (StoredRow row : inserts) {
            Binding entity = toEntity(row.written);
            em.persist(entity);
            row.id = entity.getId();
        }
        em.flush();
        em.clear();
    }

    /**
     * The rows of {@code bindings} once written over {@code rows} (their stored rows, or null): plans the statements
     * into {@code writes} and the inserts into {@code inserts}, and returns the new chain (null when empty). Bindings
     * are matched to rows by key, trying the row at the same position first (a change keeps the order of the keys it
     * keeps, so the first try almost always hits).
     */
    private static StoredRow plan(List<ContactBinding> bindings, StoredRow rows, RowWrites writes,
            List<StoredRow> inserts, RefreshDeferral rule, long horizon) {
        StoredRow[] old = StoredRow.toArray(rows);
        StoredRow head = null;
        StoredRow tail = null;
        for (int i = 0; i < bindings.size(); i++) {
            ContactBinding binding = bindings.get(i);
            StoredRow match = take(old, i, binding);
            StoredRow row;
            if (match == null) {
                row = new StoredRow(StoredRow.NO_ID, binding);
                inserts.add(row);
            } else {
                ContactBinding written = match.written;
                boolean same = written == binding || written.equals(binding);
                if (!same && !isRefreshOf(binding, written)) {
                    row = new StoredRow(match.id, binding);
                    writes.overwrite(match.id, binding, row);
                } else if (!same || match.isDeferred()) {
                    // a refresh, or a deferred one looked at again: written now, or its row left as it is
                    int storedSeconds = match.storedSeconds();
                    if (storedSeconds != StoredRow.NOT_DEFERRED && rule.mayDefer(match.storedFrom(), match.storedTo(),
                            binding.expiresAtMillis(), horizon)) {
                        row = new StoredRow(match.id, binding, storedSeconds);
                    } else {
                        row = new StoredRow(match.id, binding);
                        writes.refresh(match.id, binding, row);
                    }
                } else {
                    row = new StoredRow(match.id, binding);
                }
            }
            if (tail == null) {
                head = row;
            } else {
                tail.next = row;
            }
            tail = row;
        }
        // what is left was removed, replaced by another key, or expired and reaped from memory
        for (StoredRow left : old) {
            if (left != null) {
                writes.delete(left.id);
            }
        }
        return head;
    }

    /** The row of {@code old} whose binding has the key of {@code binding}, taken out of {@code old}; or null. */
    private static StoredRow take(StoredRow[] old, int position, ContactBinding binding) {
        if (position < old.length && old[position] != null && sameKey(old[position].written, binding)) {
            StoredRow row = old[position];
            old[position] = null;
            return row;
        }
        for (int i = 0; i < old.length; i++) {
            if (i != position && old[i] != null && sameKey(old[i].written, binding)) {
                StoredRow row = old[i];
                old[i] = null;
                return row;
            }
        }
        return null;
    }

    /** {@code a.key().equals(b.key())}, without building the keys in the common cases. */
    static boolean sameKey(ContactBinding a, ContactBinding b) {
        if (a.isOutboundFlow() != b.isOutboundFlow()) {
            return false;   // "flow:..." against "uri:..."
        }
        if (a.isOutboundFlow()) {
            return a.regId().equals(b.regId()) && a.instanceId().equals(b.instanceId());
        }
        return a.contactUri().equals(b.contactUri()) || a.key().equals(b.key());
    }

    /**
     * Whether {@code now} differs from {@code written} only in the columns a refresh sets: expiry, Call-ID, CSeq, and
     * the connection it came over. A new connection is part of a refresh (and so may be deferred, {@link
     * RefreshDeferral}) because no stored connection is of use once this process is gone: after a restart the binding
     * is reached through its Contact, or fails with 430 as an outbound flow, whichever connection its row named; in a
     * cluster the other nodes reach it through its Path, which names the flow and so is never part of a refresh. A UA
     * that reconnects rewrote its whole row before, and a city's UAs all reconnect at once after a network outage:
     * that storm of writes took the event loops' CPU when they needed it most. A UDP source (a NAT's mapping, still
     * valid after a restart) is written at once as before.
     */
    static boolean isRefreshOf(ContactBinding now, ContactBinding written) {
        return now.contactUri().equals(written.contactUri()) && now.qMillis() == written.qMillis()
                && now.path().equals(written.path()) && Objects.equals(now.instanceId(), written.instanceId())
                && Objects.equals(now.regId(), written.regId())
                && sameOrNewConnection(now.flowToken(), written.flowToken())
                && sameOrNewConnection(now.source(), written.source())
                && Objects.equals(now.userAgent(), written.userAgent())
                && Objects.equals(now.ownerNode(), written.ownerNode());
    }

    /** Whether two flows of a binding are the same, or both connections (which a restart ends alike). */
    private static boolean sameOrNewConnection(FlowToken now, FlowToken written) {
        return Objects.equals(now, written) || (now != null && written != null && now.isConnection()
                && written.isConnection());
    }

    /** What the flusher knows is stored for {@code aor}: a chain, null (no row), or {@link StoredRow#UNKNOWN}. */
    private StoredRow storedRows(String aor) {
        StoredRow rows = stored.get(aor);
        if (rows == null && !preloaded) {
            return StoredRow.UNKNOWN;   // never written by this service, and no preload to say it has no row
        }
        return rows;
    }

    /**
     * The stored rows of {@code aors} read from the database, by AOR (no entry: no row). A row whose stored key is not
     * the key its columns give (written under other key rules) is deleted through {@code writes}, so its binding is
     * inserted again under the right key.
     */
    private static Map<String, StoredRow> readRows(EntityManager em, List<String> aors, RowWrites writes) {
        Map<String, StoredRow> byAor = new HashMap<>();
        for (Binding row : em.createQuery("select b from Binding b where b.aor in :aors", Binding.class)
                .setParameter("aors", aors).getResultList()) {
            ContactBinding binding = fromEntity(row);
            if (!row.getBindingKey().equals(BindingKeys.stored(binding.key()))) {
                writes.delete(row.getId());
                continue;
            }
            StoredRow stored = new StoredRow(row.getId(), binding);
            stored.next = byAor.get(row.getAor());
            byAor.put(row.getAor(), stored);
        }
        em.clear();   // nothing is written through these entities
        return byAor;
    }

    /** Drops rows the reaper deleted from what the flusher knows is stored (under the flush lock). */
    private void forgetRows(List<Object[]> deleted) {
        for (Object[] idAndAor : deleted) {
            long id = ((Number) idAndAor[0]).longValue();
            String aor = (String) idAndAor[1];
            StoredRow rows = stored.get(aor);
            if (rows == null || rows == StoredRow.UNKNOWN) {
                continue;
            }
            StoredRow head = null;
            StoredRow tail = null;
            for (StoredRow row = rows; row != null; row = row.next) {
                if (row.id != id) {
                    StoredRow copy = new StoredRow(row.id, row.written, row.deferred);
                    if (tail == null) {
                        head = copy;
                    } else {
                        tail.next = copy;
                    }
                    tail = copy;
                }
            }
            if (head == null) {
                stored.remove(aor);
            } else {
                stored.put(aor, head);
            }
        }
    }

    private void write(EntityManager em, BindingChange change) {
        if (change.removeAll()) {
            em.createQuery("delete from Binding b where b.aor = :aor").setParameter("aor", change.aor())
                    .executeUpdate();
        }
        Set<String> keys = new HashSet<>();
        change.removedKeys().forEach(key -> keys.add(BindingKeys.stored(key)));
        change.saved().forEach(binding -> keys.add(BindingKeys.stored(binding.key())));
        if (!keys.isEmpty() && !change.removeAll()) {
            em.createQuery("delete from Binding b where b.aor = :aor and b.bindingKey in :keys")
                    .setParameter("aor", change.aor()).setParameter("keys", keys).executeUpdate();
        }
        for (ContactBinding binding : change.saved()) {
            em.persist(toEntity(binding));
        }
    }

    private List<ContactBinding> applyTo(BindingChange change, List<ContactBinding> old) {
        List<ContactBinding> base = old != null ? old : preloaded ? List.of() : loadStamped(change.aor());
        return Stamped.of(change.applyTo(Stamped.bindingsOf(base)), Stamped.stampOf(base));
    }

    /** The stamp first, then the rows: a commit the rows miss has a later stamp (see {@link BindingVersions}). */
    private List<ContactBinding> loadStamped(String aor) {
        Long stamp = versions.current(aor);
        return Stamped.of(load(aor), stamp);
    }

    private List<ContactBinding> load(String aor) {
        try {
            return Transactions.read(factory, em -> em
                    .createQuery("select b from Binding b where b.aor = :aor", Binding.class)
                    .setParameter("aor", aor).getResultList().stream().map(JpaLocationService::fromEntity).toList());
        } catch (PersistenceException e) {
            throw new LocationException("bindings of " + aor + " not loaded", e);
        }
    }

    /**
     * Loads every stored binding into memory, page by page (Kamailio usrloc's preload): from then on the hot path never
     * waits for the database, not even for the first REGISTER or lookup of an AOR after a restart. Expired rows come
     * too, as a lazy load would bring them: lookups skip them and the reaper drops them from memory and database. A
     * database that cannot be read leaves the service as it was: each AOR is loaded on its first use.
     */
    private void preload() {
        Map<String, List<ContactBinding>> byAor = new HashMap<>();
        Map<String, StoredRow> rowsByAor = new HashMap<>();
        long last = Long.MIN_VALUE;
        try {
            List<Binding> page;
            do {
                long after = last;
                page = Transactions.read(factory, em -> em.createQuery(
                        "select b from Binding b where b.id > :after order by b.id", Binding.class)
                        .setParameter("after", after).setMaxResults(PRELOAD_PAGE).getResultList());
                for (Binding row : page) {
                    ContactBinding binding = fromEntity(row);
                    byAor.computeIfAbsent(row.getAor(), aor -> new ArrayList<>(2)).add(binding);
                    StoredRow known = rowsByAor.get(row.getAor());
                    if (known != StoredRow.UNKNOWN) {
                        // the flusher's record of the row, with the very binding the table holds (an unchanged
                        // binding is then recognised by identity); a row stored under other key rules is left for the
                        // flusher to read, and rewrite, when its AOR changes
                        StoredRow stored = row.getBindingKey().equals(BindingKeys.stored(binding.key()))
                                ? new StoredRow(row.getId(), binding) : StoredRow.UNKNOWN;
                        if (stored != StoredRow.UNKNOWN) {
                            stored.next = known;
                        }
                        rowsByAor.put(row.getAor(), stored);
                    }
                    last = row.getId();
                }
            } while (page.size() == PRELOAD_PAGE);
        } catch (PersistenceException e) {
            LOG.warnf("bindings not preloaded, each AOR is read from the database on its first use: %s", rootCause(e));
            return;
        }
        byAor.forEach((aor, bindings) -> table.put(aor, List.copyOf(bindings)));
        flushLock.lock();
        try {
            rowsByAor.forEach(stored::put);
            preloaded = true;
        } finally {
            flushLock.unlock();
        }
        LOG.infof("%d bindings of %d AORs preloaded", byAor.values().stream().mapToInt(List::size).sum(), byAor.size());
    }

    /** Whether every stored binding is in memory, so that the hot path never reads the database. */
    public boolean isPreloaded() {
        return preloaded;
    }

    /**
     * One stored row as the write-back flusher knows it: its id and the binding it holds; {@code next} is another row
     * of the same AOR. A chain is published in {@link #stored} only after its transaction committed, and neither it nor
     * its rows change after that (a new flush builds new ones), all under {@link #flushLock}.
     * <p>
     * A row whose refresh was deferred ({@link RefreshDeferral}) holds {@code written} but for an older expiry, Call-ID
     * and CSeq; it keeps that expiry in whole seconds since 2020 in {@code deferred}, an int that fits in the object's
     * padding (12-byte header, a long and two compressed references: 28 bytes, 32 with or without it), so deferring
     * costs no memory per row, and {@code written} stays the very binding the table holds.
     */
    private static final class StoredRow {
        static final long NO_ID = -1;
        /** The AOR's rows must be read before it is written (a failed flush; no preload). */
        static final StoredRow UNKNOWN = new StoredRow(NO_ID, null);
        /** {@link #deferred} of a row that holds its binding exactly. */
        static final int NOT_DEFERRED = Integer.MIN_VALUE;
        private static final long EPOCH_2020_SECONDS = 1_577_836_800L;

        /** Set before publication only: an insert learns its id from the persist. */
        long id;
        final ContactBinding written;
        /** The stored expiry, in seconds since 2020 rounded down, when older than {@code written}'s. */
        final int deferred;
        StoredRow next;

        StoredRow(long id, ContactBinding written) {
            this(id, written, NOT_DEFERRED);
        }

        StoredRow(long id, ContactBinding written, int deferred) {
            this.id = id;
            this.written = written;
            this.deferred = deferred;
        }

        boolean isDeferred() {
            return deferred != NOT_DEFERRED;
        }

        /** The earliest the stored expiry can be (ms). */
        long storedFrom() {
            return isDeferred() ? (EPOCH_2020_SECONDS + deferred) * 1000 : written.expiresAtMillis();
        }

        /** The latest the stored expiry can be (ms). */
        long storedTo() {
            return isDeferred() ? storedFrom() + 999 : written.expiresAtMillis();
        }

        /** The stored expiry in the {@link #deferred} form, or {@link #NOT_DEFERRED} when it does not fit an int. */
        int storedSeconds() {
            if (isDeferred()) {
                return deferred;
            }
            long seconds = Math.floorDiv(written.expiresAtMillis(), 1000) - EPOCH_2020_SECONDS;
            return seconds > Integer.MIN_VALUE && seconds <= Integer.MAX_VALUE ? (int) seconds : NOT_DEFERRED;
        }

        static StoredRow[] toArray(StoredRow rows) {
            int n = 0;
            for (StoredRow row = rows; row != null; row = row.next) {
                n++;
            }
            StoredRow[] array = new StoredRow[n];
            int i = 0;
            for (StoredRow row = rows; row != null; row = row.next) {
                array[i++] = row;
            }
            return array;
        }
    }

    /**
     * An AOR's bindings with the stamp read before they were loaded, kept only when there is a stamp (nodes sharing
     * the database); a table value without one is the plain list.
     */
    private static final class Stamped extends AbstractList<ContactBinding> {
        private final List<ContactBinding> bindings;
        private final Long stamp;

        private Stamped(List<ContactBinding> bindings, Long stamp) {
            this.bindings = bindings;
            this.stamp = stamp;
        }

        static List<ContactBinding> of(List<ContactBinding> bindings, Long stamp) {
            return stamp == null ? bindings : new Stamped(bindings, stamp);
        }

        static Long stampOf(List<ContactBinding> value) {
            return value instanceof Stamped stamped ? stamped.stamp : null;
        }

        static List<ContactBinding> bindingsOf(List<ContactBinding> value) {
            return value instanceof Stamped stamped ? stamped.bindings : value;
        }

        @Override
        public ContactBinding get(int index) {
            return bindings.get(index);
        }

        @Override
        public int size() {
            return bindings.size();
        }
    }

    private Binding toEntity(ContactBinding b) {
        return new Binding(b.aor(), BindingKeys.stored(b.key()), b.contactUri(), b.expiresAtMillis(),
                b.qMillis(), b.callId(), b.cseq(), b.path().isEmpty() ? null : String.join("\n", b.path()),
                b.instanceId() == null ? null : b.instanceId().text(), b.regId(), textOf(b.flowToken()),
                textOf(b.source()), b.userAgent(), owner);
    }

    private static ContactBinding fromEntity(Binding e) {
        List<String> path = e.getPath() == null ? List.of() : Arrays.asList(e.getPath().split("\n"));
        FlowToken flow = FlowToken.of(e.getFlow());
        return new ContactBinding(e.getAor(), e.getContactUri(), e.getExpiresAt(), e.getQ(),
                e.getCallId(), e.getCseq(), path, InstanceId.of(e.getInstanceId()), e.getRegId(), flow,
                Objects.equals(e.getSource(), e.getFlow()) ? flow : FlowToken.of(e.getSource()), e.getUserAgent(),
                e.getOwnerNode());
    }

    private static String textOf(FlowToken token) {
        return token == null ? null : token.text();
    }
}
