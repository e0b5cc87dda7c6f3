package org.sipcity.sip.container.spec;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipApplicationSessionBindingEvent;
import javax.servlet.sip.SipApplicationSessionBindingListener;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.URI;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.core.ApplicationThreadContext;
import org.sipcity.sip.container.core.SerialQueue;
import org.sipcity.sip.container.core.SipApplication;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.timer.TimerHandle;

/**
 * An application session (JSR 289 {@link SipApplicationSession}, §6.1): the SIP sessions and timers of one use of an
 * application, its attributes, and its expiry.
 *
 * <p>Every message and timer of the session runs in its {@link SerialQueue}, one at a time. Expiry (§6.1.2.1) is a
 * timer on the container's wheel; when it fires, the expiry check is queued like any other task, so listeners that
 * extend the session run in order with its messages. With {@code invalidateWhenReady} (the default, §6.1.2.2.2) the
 * session is invalidated once every SIP session is ready and no timer is left: a REGISTER or OPTIONS transaction
 * frees its sessions as soon as it is answered instead of holding them until expiry.
 */
public final class SipApplicationSessionImpl implements SipApplicationSession {

    private static final Logger LOG = Logger.getLogger(SipApplicationSessionImpl.class);
    private static final String SESSION_ID_PARAMETER = "sipappsessionid";

    private final String id;
    private final SipApplication application;
    private final SerialQueue queue;
    private final String key;
    private final long creationTime = System.currentTimeMillis();
    private final List<SipSessionImpl> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, ServletTimerImpl> timers = new ConcurrentHashMap<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile long lastAccessedTime = creationTime;
    private volatile boolean valid = true;
    private volatile boolean invalidateWhenReady = true;
    /** Expiry on the container timer's clock, ms; 0: never. Guarded by {@code this}, as is {@link #expiryTimer}. */
    private long expiresAt;
    private TimerHandle expiryTimer;
    /** Whether {@link #expiresAt} is set but its timer not armed yet ({@link #expireInAfterFirstTask}); guarded by this. */
    private boolean expiryPending;

    public SipApplicationSessionImpl(String id, SipApplication application, SerialQueue queue, String key) {
        this.id = id;
        this.application = application;
        this.queue = queue;
        this.key = key;
    }

    public SipApplication application() {
        return application;
    }

    /** The queue every task of this session runs in. */
    public SerialQueue queue() {
        return queue;
    }

    /** The {@code @SipApplicationKey} value this session was created for, or null. */
    public String key() {
        return key;
    }

    void addSession(SipSessionImpl session) {
        sessions.add(session);
        application.listeners().sipSessionCreated(session);
    }

    void removeSession(SipSessionImpl session) {
        sessions.remove(session);
    }

    void addTimer(ServletTimerImpl timer) {
        timers.put(timer.getId(), timer);
    }

    void removeTimer(ServletTimerImpl timer) {
        timers.remove(timer.getId());
    }

    public void access() {
        lastAccessedTime = System.currentTimeMillis();
    }

    // ---- expiry (JSR 289 §6.1.2.1) ----------------------------------------------------------------------------

    /** Arms the expiry timer {@code minutes} from now; 0 or less: never expires. */
    public synchronized void expireIn(int minutes) {
        expiryPending = false;
        if (minutes <= 0) {
            cancelExpiry();
            expiresAt = 0;
            return;
        }
        expiresAt = clock().now() + TimeUnit.MINUTES.toMillis(minutes);
        armExpiry();
    }

    /**
     * Sets the expiry {@code minutes} from now but arms its timer only in {@link #armPendingExpiry}, which the
     * container calls once the task that created this session is over: a REGISTER's session is invalidated within
     * that task, and then no timer is ever put on the wheel and cancelled again for it.
     */
    public synchronized void expireInAfterFirstTask(int minutes) {
        if (minutes <= 0) {
            expireIn(minutes);
            return;
        }
        expiresAt = clock().now() + TimeUnit.MINUTES.toMillis(minutes);
        expiryPending = true;
    }

    /** Arms the expiry timer set by {@link #expireInAfterFirstTask}, unless the session is gone or it was armed. */
    public synchronized void armPendingExpiry() {
        if (expiryPending) {
            expiryPending = false;
            if (valid) {
                armExpiry();
            }
        }
    }

    /** Whether an expiry timer is on the wheel (for tests). */
    synchronized boolean expiryArmed() {
        return expiryTimer != null;
    }

    private SipTimer clock() {
        return application.runtime().timer();
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel();
            expiryTimer = null;
        }
    }

    /** Call with the monitor held. */
    private void armExpiry() {
        cancelExpiry();
        try {
            expiryTimer = clock().schedule(this::expiryDue, Math.max(0, expiresAt - clock().now()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warnf("No expiry timer for application session %s: %s", id, e.getMessage());
        }
    }

    /** On the timer thread: queue the check, never run listeners here. */
    private void expiryDue() {
        if (valid && !queue.submit(this::expire, false)) {
            LOG.warnf("Expiry of application session %s dropped: the worker queue is full", id);
        }
    }

    /** JSR 289 §6.1.2.1: listeners may extend the session with setExpires; otherwise it is invalidated. */
    private void expire() {
        if (!valid || !expiryReached()) {
            return;
        }
        try (ApplicationThreadContext.Scope scope = application.threadContext().enter()) {
            application.listeners().applicationSessionExpired(this);
            if (valid && expiryReached()) {
                invalidate();
            }
        }
    }

    /** True when the expiry time has come; re-arms the timer if it fired early or the session was extended. */
    private synchronized boolean expiryReached() {
        if (expiresAt == 0) {
            return false;
        }
        if (expiresAt > clock().now()) {
            if (expiryTimer == null || expiryTimer.isExpired()) {
                armExpiry();
            }
            return false;
        }
        return true;
    }

    @Override
    public int setExpires(int deltaMinutes) {
        checkValid();
        expireIn(deltaMinutes);
        return deltaMinutes <= 0 ? 0 : deltaMinutes;
    }

    /** Wall-clock time of expiry in ms, 0 if the session never expires (the timer runs on its own monotonic clock). */
    @Override
    public synchronized long getExpirationTime() {
        checkValid();
        return expiresAt == 0 ? 0 : System.currentTimeMillis() + (expiresAt - clock().now());
    }

    // ---- ready to invalidate (JSR 289 §6.1.2.2.2) -------------------------------------------------------------

    /**
     * Called by the container after each task of this session: invalidates the SIP sessions and then this session
     * when they are ready and the application has not asked to keep them.
     */
    public void afterTask() {
        if (!valid) {
            return;
        }
        for (SipSessionImpl session : sessions) {
            if (session.isValid() && session.getInvalidateWhenReady() && session.isReadyToInvalidate()) {
                application.listeners().sipSessionReadyToInvalidate(session);
                if (session.isValid() && session.getInvalidateWhenReady()) {
                    session.invalidate();
                }
            }
        }
        // listeners above may have invalidated this session: check again before each step
        if (valid && invalidateWhenReady && isReadyToInvalidate()) {
            application.listeners().applicationSessionReadyToInvalidate(this);
            if (valid && invalidateWhenReady && isReadyToInvalidate()) {
                invalidate();
            }
        }
    }

    /** Ready when every SIP session is ready (or gone) and no timer is pending. */
    @Override
    public boolean isReadyToInvalidate() {
        checkValid();
        for (SipSessionImpl session : sessions) {
            if (session.isValid() && !session.isReadyToInvalidate()) {
                return false;
            }
        }
        return timers.isEmpty();
    }

    @Override
    public boolean getInvalidateWhenReady() {
        checkValid();
        return invalidateWhenReady;
    }

    @Override
    public void setInvalidateWhenReady(boolean value) {
        checkValid();
        invalidateWhenReady = value;
    }

    @Override
    public void invalidate() {
        checkValid();
        valid = false;
        application.sessions().removed(this);   // lookups by id or key stop finding it at once
        synchronized (this) {
            expiryPending = false;
            cancelExpiry();
        }
        // most sessions (a REGISTER's) have no timer and no attribute: no copy of an empty map's view for them
        if (!timers.isEmpty()) {
            for (ServletTimerImpl timer : List.copyOf(timers.values())) {
                timer.cancel();
            }
        }
        for (SipSessionImpl session : sessions) {
            if (session.isValid()) {
                session.invalidate();
            }
        }
        application.listeners().applicationSessionDestroyed(this);
        if (attributes.isEmpty()) {
            return;
        }
        for (String name : List.copyOf(attributes.keySet())) {
            Object old = attributes.remove(name);
            if (old instanceof SipApplicationSessionBindingListener unbound) {
                unbound.valueUnbound(new SipApplicationSessionBindingEvent(this, name));
            }
        }
    }

    @Override
    public boolean isValid() {
        return valid;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("The application session " + id + " was invalidated");
        }
    }

    // ---- JSR 289 SipApplicationSession ------------------------------------------------------------------------

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getApplicationName() {
        return application.name();
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        return lastAccessedTime;
    }

    @Override
    public Iterator<?> getSessions() {
        checkValid();
        return List.copyOf(sessions).iterator();
    }

    @Override
    public Iterator<?> getSessions(String protocol) {
        checkValid();
        if ("SIP".equalsIgnoreCase(protocol)) {
            return getSessions();
        }
        if ("HTTP".equalsIgnoreCase(protocol)) {
            return List.of().iterator();   // no converged HTTP sessions in this container
        }
        throw new IllegalArgumentException("Unknown protocol: " + protocol);
    }

    @Override
    public SipSession getSipSession(String sessionId) {
        checkValid();
        for (SipSessionImpl session : sessions) {
            if (session.getId().equals(sessionId)) {
                return session;
            }
        }
        return null;
    }

    @Override
    public Object getSession(String sessionId, Protocol protocol) {
        checkValid();
        return protocol == Protocol.SIP ? getSipSession(sessionId) : null;
    }

    @Override
    public ServletTimer getTimer(String timerId) {
        checkValid();
        return timers.get(timerId);
    }

    @Override
    public Collection<ServletTimer> getTimers() {
        checkValid();
        return new ArrayList<>(timers.values());
    }

    /** JSR 289 §15.11.2: the URI will bring subsequent requests back to this session. */
    @Override
    public void encodeURI(URI uri) {
        checkValid();
        uri.setParameter(SESSION_ID_PARAMETER, id);
    }

    @Override
    public URL encodeURL(URL url) {
        checkValid();
        try {
            String text = url.toString();
            int query = text.indexOf('?');
            String base = query < 0 ? text : text.substring(0, query);
            String rest = query < 0 ? "" : text.substring(query);
            return new URL(base + ";" + SESSION_ID_PARAMETER + "=" + id + rest);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Cannot encode " + url, e);
        }
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return attributes.get(name);
    }

    @Override
    public Iterator<String> getAttributeNames() {
        checkValid();
        return List.copyOf(attributes.keySet()).iterator();
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null || value == null) {
            throw new NullPointerException("attribute name and value");
        }
        Object old = attributes.put(name, value);
        SipApplicationSessionBindingEvent event = new SipApplicationSessionBindingEvent(this, name);
        if (old != value && value instanceof SipApplicationSessionBindingListener bound) {
            bound.valueBound(event);
        }
        if (old != null && old != value && old instanceof SipApplicationSessionBindingListener unbound) {
            unbound.valueUnbound(event);
        }
        application.listeners().applicationSessionAttributeChanged(event, old == null);
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        Object old = attributes.remove(name);
        if (old != null) {
            SipApplicationSessionBindingEvent event = new SipApplicationSessionBindingEvent(this, name);
            if (old instanceof SipApplicationSessionBindingListener unbound) {
                unbound.valueUnbound(event);
            }
            application.listeners().applicationSessionAttributeRemoved(event);
        }
    }

    @Override
    public String toString() {
        return "SipApplicationSession[" + id + ", " + application.name() + ", " + sessions.size() + " sessions]";
    }
}
