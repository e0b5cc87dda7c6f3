package org.sipcity.sip.container.core;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.sipcity.sip.container.spec.SipApplicationSessionImpl;

/** The live application sessions of one application, by id and by {@code @SipApplicationKey} key. */
public final class SessionManager {

    private final SipApplication application;
    private final ConcurrentHashMap<String, SipApplicationSessionImpl> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SipApplicationSessionImpl> byKey = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();
    /** Ids are a per-deployment random prefix plus a counter: unique, and cheap to make. */
    private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + "-";

    SessionManager(SipApplication application) {
        this.application = application;
    }

    /** A new application session with a queue of its own (created by the application through SipFactory). */
    public SipApplicationSessionImpl create(String key) {
        return create(key, application.newQueue());
    }

    /** A new application session whose tasks run in {@code queue} (the queue its first request is already in). */
    public SipApplicationSessionImpl create(String key, SerialQueue queue) {
        return create(key, queue, false);
    }

    /**
     * A new application session, without a key, for the initial request whose task is running now in {@code queue}:
     * its expiry timer is armed only when that task is over ({@link SipApplicationSessionImpl#armPendingExpiry},
     * which the caller must call then), if the session is still there.
     */
    SipApplicationSessionImpl createForRunningRequest(SerialQueue queue) {
        return create(null, queue, true);
    }

    private SipApplicationSessionImpl create(String key, SerialQueue queue, boolean expiryAfterTask) {
        String id = idPrefix + Long.toHexString(created.incrementAndGet());
        SipApplicationSessionImpl session = new SipApplicationSessionImpl(id, application, queue, key);
        byId.put(id, session);
        if (key != null) {
            byKey.put(key, session);
        }
        if (expiryAfterTask) {
            session.expireInAfterFirstTask(application.sessionTimeoutMinutes());
        } else {
            session.expireIn(application.sessionTimeoutMinutes());
        }
        application.listeners().applicationSessionCreated(session);
        return session;
    }

    public SipApplicationSessionImpl byId(String id) {
        return byId.get(id);
    }

    /** JSR 289 §15.11.2: the session of {@code key}, made if absent and {@code create}. */
    public SipApplicationSessionImpl byKey(String key, boolean create) {
        return byKey(key, create, null);
    }

    /** As {@link #byKey(String, boolean)}; a session made here runs in {@code queueIfNew} (null: a queue of its own). */
    public SipApplicationSessionImpl byKey(String key, boolean create, SerialQueue queueIfNew) {
        SipApplicationSessionImpl existing = byKey.get(key);
        if (existing != null && existing.isValid()) {
            return existing;
        }
        if (!create) {
            return null;
        }
        synchronized (this) {
            existing = byKey.get(key);
            if (existing != null && existing.isValid()) {
                return existing;
            }
            return queueIfNew == null ? create(key) : create(key, queueIfNew);
        }
    }

    /** Called by an application session once it is invalidated. */
    public void removed(SipApplicationSessionImpl session) {
        byId.remove(session.getId(), session);
        if (session.key() != null) {
            byKey.remove(session.key(), session);
        }
    }

    public int size() {
        return byId.size();
    }

    public long createdSinceStart() {
        return created.get();
    }

    void invalidateAll() {
        for (SipApplicationSessionImpl session : List.copyOf(byId.values())) {
            if (session.isValid()) {
                session.invalidate();
            }
        }
    }
}
