package org.sipcity.stack.transport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for something that happens on another thread. */
final class Await {

    private Await() {
    }

    /** Polls until {@code condition} holds; fails after {@code limit}. */
    static void until(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition, Duration.ofSeconds(10));
    }
}
