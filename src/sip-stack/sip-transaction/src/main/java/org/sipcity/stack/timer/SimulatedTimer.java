package org.sipcity.stack.timer;

import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SipTimer} whose clock moves only when told to: the deterministic clock for tests of
 * timer-driven behaviour (like Netty's {@code EmbeddedChannel.advanceTimeBy}).
 *
 * <p>{@link #advance} runs every task due within the step, in order of due time (ties in order of
 * scheduling), with {@link #now()} set to each task's due time while it runs; tasks scheduled by a
 * running task are run too if they fall due within the step. Nothing runs on another thread.
 *
 * <p>Safe for use from several threads, but meant for one test thread.
 */
public final class SimulatedTimer implements SipTimer {

    private final PriorityQueue<SimulatedTask> queue = new PriorityQueue<>();
    private long nowMillis;
    private long sequence;

    /** A clock starting at zero. */
    public SimulatedTimer() {
        this(0);
    }

    /** A clock starting at {@code startMillis}. */
    public SimulatedTimer(long startMillis) {
        this.nowMillis = startMillis;
    }

    @Override
    public synchronized TimerHandle schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        SimulatedTask scheduled = new SimulatedTask(task, nowMillis + Math.max(0, unit.toMillis(delay)), sequence++);
        queue.add(scheduled);
        return scheduled;
    }

    @Override
    public synchronized long now() {
        return nowMillis;
    }

    /**
     * Moves the clock forward by {@code amount} and runs the tasks that fall due on the way.
     *
     * @return the number of tasks run
     */
    public int advance(long amount, TimeUnit unit) {
        if (amount < 0) {
            throw new IllegalArgumentException("time only moves forward: " + amount);
        }
        long target;
        synchronized (this) {
            target = nowMillis + unit.toMillis(amount);
        }
        int ran = 0;
        SimulatedTask next;
        while ((next = pollDue(target)) != null) {
            next.runTask();
            ran++;
        }
        synchronized (this) {
            nowMillis = target;
        }
        return ran;
    }

    /** Same as {@code advance(millis, MILLISECONDS)}. */
    public int advanceMillis(long millis) {
        return advance(millis, TimeUnit.MILLISECONDS);
    }

    /** Runs the tasks due now, without moving the clock. */
    public int runDue() {
        return advance(0, TimeUnit.MILLISECONDS);
    }

    /** Number of tasks scheduled, not cancelled and not run. */
    public synchronized int pendingTasks() {
        queue.removeIf(SimulatedTask::isCancelled);
        return queue.size();
    }

    /** Due time of the next live task, or -1 if none. */
    public synchronized long nextDueTime() {
        queue.removeIf(SimulatedTask::isCancelled);
        SimulatedTask head = queue.peek();
        return head == null ? -1 : head.dueMillis;
    }

    private synchronized SimulatedTask pollDue(long target) {
        while (true) {
            SimulatedTask head = queue.peek();
            if (head == null || head.dueMillis > target) {
                return null;
            }
            queue.poll();
            if (head.markExpired()) {
                nowMillis = Math.max(nowMillis, head.dueMillis);
                return head;
            }
        }
    }

    private static final class SimulatedTask implements TimerHandle, Comparable<SimulatedTask> {
        private final Runnable task;
        private final long dueMillis;
        private final long order;
        private volatile boolean cancelled;
        private volatile boolean expired;

        SimulatedTask(Runnable task, long dueMillis, long order) {
            this.task = task;
            this.dueMillis = dueMillis;
            this.order = order;
        }

        /** @return false if the task was cancelled first */
        synchronized boolean markExpired() {
            if (cancelled) {
                return false;
            }
            expired = true;
            return true;
        }

        void runTask() {
            task.run();
        }

        @Override
        public synchronized boolean cancel() {
            if (cancelled || expired) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public int compareTo(SimulatedTask other) {
            int byTime = Long.compare(dueMillis, other.dueMillis);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
