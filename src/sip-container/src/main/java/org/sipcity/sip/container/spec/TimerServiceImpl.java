package org.sipcity.sip.container.spec;

import java.io.Serializable;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.TimerService;
import org.sipcity.stack.timer.SipTimer;

/**
 * JSR 289 §21 timer service of one application. Timers are not persistent: {@code isPersistent} is accepted and
 * ignored, as the specification allows for containers without persistence.
 */
public final class TimerServiceImpl implements TimerService {

    private final SipTimer clock;

    public TimerServiceImpl(SipTimer clock) {
        this.clock = clock;
    }

    @Override
    public ServletTimer createTimer(SipApplicationSession session, long delay, boolean isPersistent, Serializable info) {
        return create(session, delay, 0, false, info);
    }

    @Override
    public ServletTimer createTimer(SipApplicationSession session, long delay, long period, boolean fixedDelay,
                                    boolean isPersistent, Serializable info) {
        if (period <= 0) {
            throw new IllegalArgumentException("A repeating timer needs a positive period: " + period);
        }
        return create(session, delay, period, !fixedDelay, info);
    }

    private ServletTimer create(SipApplicationSession session, long delay, long period, boolean fixedRate,
                                Serializable info) {
        if (!(session instanceof SipApplicationSessionImpl appSession)) {
            throw new IllegalArgumentException("Not an application session of this container: " + session);
        }
        if (!appSession.isValid()) {
            throw new IllegalStateException("The application session " + appSession.getId() + " was invalidated");
        }
        if (delay < 0) {
            throw new IllegalArgumentException("Negative delay: " + delay);
        }
        ServletTimerImpl timer = new ServletTimerImpl(appSession, clock, delay, period, fixedRate, info);
        appSession.addTimer(timer);
        timer.start();
        return timer;
    }
}
