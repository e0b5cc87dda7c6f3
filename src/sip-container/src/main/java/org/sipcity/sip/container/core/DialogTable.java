package org.sipcity.sip.container.core;

import java.util.concurrent.ConcurrentHashMap;
import org.sipcity.sip.container.spec.SipSessionImpl;

/**
 * The dialogs of every application, so that a subsequent request (RFC 3261 §12.2.2) finds its SIP session on the
 * event loop without touching a worker. Only dialog-creating requests put sessions here; REGISTER and OPTIONS never do.
 */
public final class DialogTable {

    private final ConcurrentHashMap<DialogKey, SipSessionImpl> dialogs = new ConcurrentHashMap<>();

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

    public int size() {
        return dialogs.size();
    }
}
