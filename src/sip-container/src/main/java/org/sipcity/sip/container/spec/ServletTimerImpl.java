package org.sipcity.sip.container.spec;

import java.io.Serializable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.core.ApplicationThreadContext;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.timer.TimerHandle;

/**
 * A JSR 289 §21 servlet timer on the container's timer wheel. The wheel only says when; the application's
 * {@code TimerListener} runs in the application session's queue, like a message, never on the timer thread.
 *
 * <p>Repeating timers re-arm after each expiry: fixed-delay from the end of the previous run, fixed-rate from its
 * scheduled time (JSR 289 §21.1, as {@code java.util.Timer}).
 */
public final class ServletTimerImpl implements ServletTimer {

    private static final Logger LOG = Logger.getLogger(ServletTimerImpl.class);

    private final String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final SipApplicationSessionImpl applicationSession;
    private final SipTimer clock;
    private final Serializable info;
    private final long period;
    private final boolean fixedRate;
    /** Guarded by {@code this}. */
    private long scheduledTime;
    private TimerHandle handle;
    private boolean cancelled;

    ServletTimerImpl(SipApplicationSessionImpl applicationSession, SipTimer clock, long delay, long period,
                     boolean fixedRate, Serializable info) {
        this.applicationSession = applicationSession;
        this.clock = clock;
        this.info = info;
        this.period = period;
        this.fixedRate = fixedRate;
        this.scheduledTime = System.currentTimeMillis() + delay;
    }

    /** Arms the first expiry; called once the session knows the timer, so an early expiry finds it there. */
    synchronized void start() {
        arm(Math.max(0, scheduledTime - System.currentTimeMillis()));
    }

    private void arm(long delay) {
        try {
            handle = clock.schedule(this::due, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("The container's timer refused the servlet timer: " + e.getMessage(), e);
        }
    }

    private void due() {
        if (!applicationSession.queue().submit(this::fire, false)) {
            LOG.warnf("Servlet timer %s of application session %s dropped: the worker queue is full",
                    id, applicationSession.getId());
        }
    }

    private void fire() {
        synchronized (this) {
            if (cancelled || !applicationSession.isValid()) {
                return;
            }
        }
        try (ApplicationThreadContext.Scope scope = applicationSession.application().threadContext().enter()) {
            applicationSession.application().listeners().timeout(this);
        }
        synchronized (this) {
            if (cancelled || !applicationSession.isValid()) {
                return;
            }
            if (period > 0) {
                long now = System.currentTimeMillis();
                scheduledTime = fixedRate ? scheduledTime + period : now + period;
                arm(Math.max(0, scheduledTime - now));
                return;
            }
            cancelled = true;
        }
        applicationSession.removeTimer(this);
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (handle != null) {
                handle.cancel();
            }
        }
        applicationSession.removeTimer(this);
    }

    @Override
    public SipApplicationSession getApplicationSession() {
        return applicationSession;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public Serializable getInfo() {
        return info;
    }

    @Override
    public synchronized long scheduledExecutionTime() {
        return scheduledTime;
    }

    @Override
    public synchronized long getTimeRemaining() {
        return scheduledTime - System.currentTimeMillis();
    }
}
