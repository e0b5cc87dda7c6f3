package org.sipcity.stack.timer;

/** A task scheduled on a {@link SipTimer}. */
public interface TimerHandle {

    /**
     * Prevents the task from running if it has not started yet.
     *
     * @return {@code true} if this call cancelled it; {@code false} if it already ran, is running,
     *         or was cancelled before
     */
    boolean cancel();

    /** Whether the task was cancelled before it ran. */
    boolean isCancelled();

    /** Whether the task has run (or started running). */
    boolean isExpired();
}
