package org.sipcity.sip.container.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipSessionsUtil;
import javax.servlet.sip.TimerListener;
import javax.servlet.sip.TimerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.sip.container.spec.SipApplicationSessionImpl;
import org.sipcity.stack.timer.SimulatedTimer;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.timer.TimerHandle;

/** Application-session expiry and servlet timers on a simulated clock: time moves only when the test says. */
class SessionsAndTimersTest {

    /** Records what the container tells the application, and on which thread. */
    public static class Recorder implements SipApplicationSessionListener, TimerListener {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();
        static volatile int extendOnExpiry;

        @Override
        public void sessionCreated(SipApplicationSessionEvent event) {
            EVENTS.add("created");
        }

        @Override
        public void sessionDestroyed(SipApplicationSessionEvent event) {
            EVENTS.add("destroyed");
        }

        @Override
        public void sessionExpired(SipApplicationSessionEvent event) {
            if (extendOnExpiry > 0) {
                extendOnExpiry--;
                event.getApplicationSession().setExpires(1);
            }
            EVENTS.add("expired");   // after extending: the test moves the clock on once it sees this
        }

        @Override
        public void sessionReadyToInvalidate(SipApplicationSessionEvent event) {
            EVENTS.add("ready");
        }

        @Override
        public void timeout(ServletTimer timer) {
            EVENTS.add("timeout " + timer.getInfo() + " on " + Thread.currentThread().getName());
        }
    }

    /** A servlet is required to deploy; this one is never called here. */
    public static class IdleServlet extends SipServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doRequest(SipServletRequest request) {
        }
    }

    private SimulatedTimer clock;
    /** Timers ever put on the clock, cancelled ones included. */
    private final AtomicInteger scheduled = new AtomicInteger();
    private SipContainer container;
    private SipFactory factory;
    private TimerService timers;

    @BeforeEach
    void deploy() throws Exception {
        Recorder.EVENTS.clear();
        Recorder.extendOnExpiry = 0;
        clock = new SimulatedTimer();
        scheduled.set(0);
        SipTimer counted = new SipTimer() {
            @Override
            public TimerHandle schedule(Runnable task, long delay, TimeUnit unit) {
                scheduled.incrementAndGet();
                return clock.schedule(task, delay, unit);
            }

            @Override
            public long now() {
                return clock.now();
            }
        };
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(2, 100), counted);
        container.deploy(SipDeploymentInfo.builder("app").classLoader(getClass().getClassLoader())
                .addServlet(new SipServletInfo("idle", IdleServlet.class.getName()))
                .addListener(Recorder.class.getName())
                .sessionTimeoutMinutes(2)
                .build());
        factory = (SipFactory) container.servletContext("app").getAttribute(SipServlet.SIP_FACTORY);
        timers = (TimerService) container.servletContext("app").getAttribute(SipServlet.TIMER_SERVICE);
    }

    @AfterEach
    void close() {
        container.close();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void applicationSessionExpiresAfterTheConfiguredTimeout() throws Exception {
        SipApplicationSession session = factory.createApplicationSession();
        assertThat(container.applicationSessions("app")).isEqualTo(1);
        assertThat(session.getExpirationTime()).isGreaterThan(System.currentTimeMillis());

        clock.advance(119, TimeUnit.SECONDS);
        assertThat(session.isValid()).isTrue();
        clock.advance(1, TimeUnit.SECONDS);
        // the session is marked invalid first, then its listeners hear of it: wait for the last step
        eventually(() -> Recorder.EVENTS.contains("destroyed"));
        assertThat(session.isValid()).isFalse();
        assertThat(Recorder.EVENTS).containsExactly("created", "expired", "destroyed");
        assertThat(container.applicationSessions("app")).isZero();
        assertThatThrownBy(session::getCreationTime).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSessionMadeForARunningRequestArmsItsExpiryOnlyOnceTheTaskIsOver() throws Exception {
        SipApplicationSessionImpl first = (SipApplicationSessionImpl) factory.createApplicationSession();
        SessionManager sessions = first.application().sessions();
        int before = scheduled.get();

        // what the dispatcher does for two initial requests: one answered and freed within its task (a REGISTER),
        // one whose session stays
        SipApplicationSessionImpl answered = sessions.createForRunningRequest(first.queue());
        SipApplicationSessionImpl kept = sessions.createForRunningRequest(first.queue());
        assertThat(scheduled.get()).isEqualTo(before);
        answered.invalidate();
        answered.armPendingExpiry();
        kept.armPendingExpiry();
        kept.armPendingExpiry();
        assertThat(scheduled.get()).as("one expiry timer, for the session that stayed").isEqualTo(before + 1);

        // the expiry counts from the session's creation, as before
        clock.advance(119, TimeUnit.SECONDS);
        assertThat(kept.isValid()).isTrue();
        clock.advance(1, TimeUnit.SECONDS);
        eventually(() -> !kept.isValid() && !first.isValid());
        assertThat(container.applicationSessions("app")).isZero();
    }

    @Test
    void aListenerExtendsTheSessionOnExpiry() throws Exception {
        Recorder.extendOnExpiry = 1;
        SipApplicationSession session = factory.createApplicationSession();
        clock.advance(2, TimeUnit.MINUTES);
        eventually(() -> Recorder.EVENTS.contains("expired"));
        assertThat(session.isValid()).isTrue();
        clock.advance(1, TimeUnit.MINUTES);
        eventually(() -> Recorder.EVENTS.contains("destroyed"));
        assertThat(session.isValid()).isFalse();
        assertThat(Recorder.EVENTS).containsExactly("created", "expired", "expired", "destroyed");
    }

    @Test
    void sessionThatNeverExpires() throws Exception {
        SipApplicationSession session = factory.createApplicationSession();
        assertThat(session.setExpires(0)).isZero();
        assertThat(session.getExpirationTime()).isZero();
        clock.advance(1, TimeUnit.DAYS);
        assertThat(session.isValid()).isTrue();
        session.invalidate();
        assertThat(Recorder.EVENTS).containsExactly("created", "destroyed");
    }

    @Test
    void servletTimerFiresOnAWorkerAndLeavesTheSession() throws Exception {
        SipApplicationSession session = factory.createApplicationSession();
        ServletTimer timer = timers.createTimer(session, 5_000, false, "once");
        assertThat(session.getTimers()).containsExactly(timer);
        assertThat(session.getTimer(timer.getId())).isSameAs(timer);

        clock.advance(4_999, TimeUnit.MILLISECONDS);
        assertThat(Recorder.EVENTS).containsExactly("created");
        clock.advance(1, TimeUnit.MILLISECONDS);
        eventually(() -> Recorder.EVENTS.size() == 2);
        assertThat(Recorder.EVENTS.get(1)).startsWith("timeout once on sip-worker-");
        eventually(() -> session.getTimers().isEmpty());
    }

    @Test
    void repeatingTimerUntilCancelled() throws Exception {
        SipApplicationSession session = factory.createApplicationSession();
        session.setExpires(0);
        ServletTimer timer = timers.createTimer(session, 100, 100, true, false, "tick");
        for (int i = 1; i <= 3; i++) {
            clock.advance(100, TimeUnit.MILLISECONDS);
            int expected = i + 1;
            eventually(() -> Recorder.EVENTS.size() == expected && clock.pendingTasks() == 1);   // re-armed
        }
        timer.cancel();
        assertThat(session.getTimers()).isEmpty();
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(Recorder.EVENTS).hasSize(4);
    }

    @Test
    void invalidatingTheSessionCancelsItsTimers() throws Exception {
        SipApplicationSession session = factory.createApplicationSession();
        timers.createTimer(session, 1_000, false, "never");
        session.invalidate();
        clock.advance(2, TimeUnit.SECONDS);
        Thread.sleep(50);   // give a wrongly queued timeout the chance to show up
        assertThat(Recorder.EVENTS).containsExactly("created", "destroyed");
    }

    @Test
    void sessionsAreFoundByIdAndKey() {
        SipSessionsUtil util = (SipSessionsUtil) container.servletContext("app").getAttribute(SipServlet.SIP_SESSIONS_UTIL);
        SipApplicationSession session = factory.createApplicationSession();
        assertThat(util.getApplicationSessionById(session.getId())).isSameAs(session);
        SipApplicationSession keyed = factory.createApplicationSessionByKey("alice@example.com");
        assertThat(util.getApplicationSessionByKey("alice@example.com", false)).isSameAs(keyed);
        assertThat(util.getApplicationSessionByKey("bob@example.com", false)).isNull();
        keyed.invalidate();
        assertThat(util.getApplicationSessionByKey("alice@example.com", false)).isNull();
        assertThat(util.getApplicationSessionById(keyed.getId())).isNull();
    }

    @Test
    void attributesOfApplicationSessions() {
        SipApplicationSession session = factory.createApplicationSession();
        session.setAttribute("binding", "sip:alice@192.0.2.4");
        assertThat(session.getAttribute("binding")).isEqualTo("sip:alice@192.0.2.4");
        assertThat(session.getAttributeNames()).toIterable().containsExactly("binding");
        session.removeAttribute("binding");
        assertThat(session.getAttribute("binding")).isNull();
    }
}
