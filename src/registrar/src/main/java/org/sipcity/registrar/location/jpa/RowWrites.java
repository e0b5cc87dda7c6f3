package org.sipcity.registrar.location.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.sipcity.registrar.location.ContactBinding;

/**
 * The row writes of one write-back round, by row id, as JDBC batches on the transaction's own connection
 * ({@link Session#doWork}): no entity is built, read or dirty-checked for a binding whose row is already stored.
 * <ul>
 * <li>a <b>refresh</b> (same binding, only expiry, Call-ID, CSeq and its connection changed; by far the commonest
 * change) is an UPDATE of those columns ({@code flow} and {@code source} are the connection's);</li>
 * <li>any other change of a binding whose key keeps its row is an UPDATE of every column but the key ({@code aor} and
 * {@code binding_key} never change, so the unique index is never touched);</li>
 * <li>a row whose key left memory is deleted by id.</li>
 * </ul>
 * New keys are not here: they are persisted as entities, since their id comes from Hibernate's sequence generator.
 * Statements run deletes first, then updates, so a key deleted and inserted again in one round never collides with
 * itself on the unique {@code (aor, binding_key)}. The SQL is plain SQL-92, the same on H2, PostgreSQL and MariaDB.
 */
final class RowWrites {

    private static final String REFRESH = "update " + Binding.TABLE
            + " set expires_at = ?, call_id = ?, cseq = ?, flow = ?, source = ? where id = ?";
    private static final String OVERWRITE = "update " + Binding.TABLE + " set contact_uri = ?, expires_at = ?, q = ?,"
            + " call_id = ?, cseq = ?, path = ?, instance_id = ?, reg_id = ?, flow = ?, source = ?, user_agent = ?,"
            + " owner_node = ? where id = ?";
    private static final String DELETE = "delete from " + Binding.TABLE + " where id = ?";

    /** An UPDATE of a stored row: the id, what to write, and where the caller wants to hear of a missing row. */
    record Update(long id, ContactBinding binding, Object tag) {
    }

    private final String owner;
    private final List<Update> refreshes = new ArrayList<>();
    private final List<Update> overwrites = new ArrayList<>();
    private long[] deletes = new long[16];
    private int deleteCount;

    /** @param owner the node name written into {@code owner_node} ({@code null} on one node), as on insert */
    RowWrites(String owner) {
        this.owner = owner;
    }

    void refresh(long id, ContactBinding binding, Object tag) {
        refreshes.add(new Update(id, binding, tag));
    }

    void overwrite(long id, ContactBinding binding, Object tag) {
        overwrites.add(new Update(id, binding, tag));
    }

    void delete(long id) {
        if (deleteCount == deletes.length) {
            deletes = Arrays.copyOf(deletes, deleteCount * 2);
        }
        deletes[deleteCount++] = id;
    }

    boolean isEmpty() {
        return refreshes.isEmpty() && overwrites.isEmpty() && deleteCount == 0;
    }

    int statements() {
        return refreshes.size() + overwrites.size() + deleteCount;
    }

    /**
     * Runs every statement in {@code em}'s transaction and returns the updates that found no row (the driver said 0
     * rows), so the caller can insert those bindings instead. A driver that does not report counts in a batch
     * ({@code SUCCESS_NO_INFO}) is taken at its word: the flush's own bookkeeping of stored rows (kept in step with the
     * reaper) is what makes a missing row impossible; the count is a second line of defence where drivers give it.
     */
    List<Update> execute(EntityManager em) {
        List<Update> missing = new ArrayList<>(0);
        if (isEmpty()) {
            return missing;
        }
        em.unwrap(Session.class).doWork(connection -> {
            if (deleteCount > 0) {
                try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                    for (int i = 0; i < deleteCount; i++) {
                        delete.setLong(1, deletes[i]);
                        delete.addBatch();
                    }
                    delete.executeBatch();   // a row the reaper deleted first is simply gone already
                }
            }
            run(connection, false, overwrites, missing);
            run(connection, true, refreshes, missing);
        });
        return missing;
    }

    private void run(Connection connection, boolean refresh, List<Update> updates, List<Update> missing)
            throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(refresh ? REFRESH : OVERWRITE)) {
            for (Update update : updates) {
                if (refresh) {
                    bindRefresh(statement, update);
                } else {
                    bindOverwrite(statement, update);
                }
                statement.addBatch();
            }
            int[] counts = statement.executeBatch();
            for (int i = 0; i < counts.length && i < updates.size(); i++) {
                if (counts[i] == 0) {
                    missing.add(updates.get(i));
                }
            }
        }
    }

    private static void bindRefresh(PreparedStatement statement, Update update) throws SQLException {
        ContactBinding b = update.binding();
        statement.setLong(1, b.expiresAtMillis());
        statement.setString(2, b.callId());
        statement.setLong(3, b.cseq());
        text(statement, 4, b.flowToken() == null ? null : b.flowToken().text());
        text(statement, 5, b.source() == null ? null : b.source().text());
        statement.setLong(6, update.id());
    }

    private void bindOverwrite(PreparedStatement statement, Update update) throws SQLException {
        ContactBinding b = update.binding();
        statement.setString(1, b.contactUri());
        statement.setLong(2, b.expiresAtMillis());
        statement.setInt(3, b.qMillis());
        statement.setString(4, b.callId());
        statement.setLong(5, b.cseq());
        text(statement, 6, Binding.pathText(b.path()));
        text(statement, 7, b.instanceId() == null ? null : b.instanceId().text());
        if (b.regId() == null) {
            statement.setNull(8, Types.INTEGER);
        } else {
            statement.setInt(8, b.regId());
        }
        text(statement, 9, b.flowToken() == null ? null : b.flowToken().text());
        text(statement, 10, b.source() == null ? null : b.source().text());
        text(statement, 11, b.userAgent());
        text(statement, 12, owner);
        statement.setLong(13, update.id());
    }

    private static void text(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
