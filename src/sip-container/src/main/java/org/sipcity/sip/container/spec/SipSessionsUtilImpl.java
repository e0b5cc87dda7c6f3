package org.sipcity.sip.container.spec;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipSessionsUtil;
import org.sipcity.sip.container.core.SipApplication;

/** JSR 289 §6.1.3 lookups, confined to the sessions of one application. */
public final class SipSessionsUtilImpl implements SipSessionsUtil {

    private final SipApplication application;

    public SipSessionsUtilImpl(SipApplication application) {
        this.application = application;
    }

    @Override
    public SipApplicationSession getApplicationSessionById(String id) {
        if (id == null) {
            throw new NullPointerException("id");
        }
        return application.sessions().byId(id);
    }

    @Override
    public SipApplicationSession getApplicationSessionByKey(String key, boolean create) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        return application.sessions().byKey(key, create);
    }

    /** RFC 3891 Replaces / RFC 3911 Join: needs the dialog table, which B2BUA support brings; none is found yet. */
    @Override
    public SipSession getCorrespondingSipSession(SipSession session, String headerName) {
        if (!"Join".equalsIgnoreCase(headerName) && !"Replaces".equalsIgnoreCase(headerName)) {
            throw new IllegalArgumentException("Only Join and Replaces name a corresponding session: " + headerName);
        }
        return null;
    }
}
