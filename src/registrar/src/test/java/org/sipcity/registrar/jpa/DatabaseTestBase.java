package org.sipcity.registrar.jpa;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.sipcity.registrar.location.jpa.Transactions;

/**
 * One persistence unit per test class on a real database, schema created fresh; tables emptied before each test.
 * A database that is not reachable skips every test of the class with the reason, or fails them when the system
 * property {@code sipcity.databases.required} is true (CI).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTestBase {

    protected EntityManagerFactory factory;
    private String unreachable;

    protected abstract TestDatabase database();

    @BeforeAll
    void openDatabase() {
        String name = getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        unreachable = database().unreachableReason(name);
        if (unreachable != null && Boolean.getBoolean("sipcity.databases.required")) {
            // CI starts every database first (.ci/run): there, an unreachable one is a failure, not a skip.
            throw new IllegalStateException(getClass().getSimpleName() + ": " + unreachable
                    + " (sipcity.databases.required is set)");
        }
        if (unreachable != null) {
            // Printed once so a skipped database shows in the build log, not only in the reports.
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + unreachable);
            return;
        }
        factory = database().open(name);
    }

    @BeforeEach
    void emptyTables() {
        // Each test is then reported as skipped with the reason.
        assumeTrue(unreachable == null, unreachable);
        Transactions.inTransaction(factory, em -> {
            em.createQuery("delete from Binding").executeUpdate();
            em.createQuery("delete from Subscriber").executeUpdate();
            return null;
        });
    }

    @AfterAll
    void closeDatabase() {
        if (factory != null) {
            factory.close();
        }
    }
}
