package org.sipcity.sip.container.core;

import java.util.concurrent.ConcurrentHashMap;
import org.sipcity.sip.container.spec.SipSessionImpl;

/**
 * The dialogs of every application, so that a subsequent request (RFC 3261 §12.2.2) finds its SIP session on the
 * event loop without touching a worker. Only dialog-creating requests put sessions here; REGISTER and OPTIONS never do.
 *
 * <p>Dialogs an application record-routed as a proxy are kept apart: their requests are forwarded, not delivered,
 * but run in the proxy session's queue (so ACK and BYE keep their order) and a BYE ends that session (JSR 289 §6.1.2.2).
 */
public final class DialogTable {

    private final ConcurrentHashMap<DialogKey, SipSessionImpl> dialogs = new ConcurrentHashMap<>();
    /** Keyed by Call-ID, caller's tag, callee's tag; a request may come from either side. */
    private final ConcurrentHashMap<DialogKey, SipSessionImpl> proxied = new ConcurrentHashMap<>();

    public void register(DialogKey key, SipSessionImpl session) {
        dialogs.put(key, session);
    }

    public void unregister(DialogKey key, SipSessionImpl session) {
        dialogs.remove(key, session);
    }

    /** The session of the dialog a received request belongs to (our tag in To, theirs in From), or null. */
    public SipSessionImpl find(String callId, String toTag, String fromTag) {
        if (callId == null || toTag == null) {
            return null;
        }
        return dialogs.get(new DialogKey(callId, toTag, fromTag));
    }

    public void registerProxied(DialogKey key, SipSessionImpl session) {
        proxied.put(key, session);
    }

    public void unregisterProxied(DialogKey key, SipSessionImpl session) {
        proxied.remove(key, session);
    }

    /** The proxy session of the record-routed dialog a request belongs to, whichever side sent it, or null. */
    public SipSessionImpl findProxied(String callId, String fromTag, String toTag) {
        if (callId == null || fromTag == null || toTag == null || proxied.isEmpty()) {
            return null;
        }
        SipSessionImpl session = proxied.get(new DialogKey(callId, fromTag, toTag));
        return session != null ? session : proxied.get(new DialogKey(callId, toTag, fromTag));
    }

    public int proxiedSize() {
        return proxied.size();
    }

    public int size() {
        return dialogs.size();
    }
}
