package org.sipcity.sip.subsystem.deployment;

import org.jboss.as.server.deployment.AttachmentKey;
import org.sipcity.sip.container.api.DispatchMode;

/**
 * Where a SIP deployment's code runs (its sip.xml's {@code org.sipcity.sip.dispatch}), attached by
 * {@link SipInstallProcessor} for the management model.
 */
public final class SipDispatchMode {

    public static final AttachmentKey<DispatchMode> KEY = AttachmentKey.create(DispatchMode.class);

    private SipDispatchMode() {
    }
}
