package org.sipcity.it.db;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when the database of this run ({@link ItDatabase#current()}) is ready, preparing it once per
 * test JVM. Unreachable: the class is skipped with the reason (printed too, so it shows in the build log), or fails
 * when the system property {@code sipcity.databases.required} is true (CI starts every database first).
 *
 * <p>Register it before {@code ArquillianExtension}: a skipped class then never starts the server.
 */
public final class DatabaseUnderTest implements ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DatabaseUnderTest.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ItDatabase database = ItDatabase.current();
        // Once per JVM (root store): every class of the run sees the same database.
        Readiness readiness = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(database, db -> new Readiness(db.prepare()), Readiness.class);
        if (readiness.problem() == null) {
            return ConditionEvaluationResult.enabled("SipCityDS on " + database);
        }
        String where = context.getRequiredTestClass().getSimpleName() + " on " + database;
        if (Boolean.getBoolean("sipcity.databases.required")) {
            throw new IllegalStateException(where + ": " + readiness.problem() + " (sipcity.databases.required is set)");
        }
        if (context.getTestMethod().isEmpty()) {
            System.err.println("SKIPPED " + where + ": " + readiness.problem());
        }
        return ConditionEvaluationResult.disabled(where + ": " + readiness.problem());
    }

    private record Readiness(String problem) {
    }
}
