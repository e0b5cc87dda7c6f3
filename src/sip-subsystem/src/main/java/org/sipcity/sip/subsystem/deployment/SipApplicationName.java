package org.sipcity.sip.subsystem.deployment;

import org.jboss.as.server.deployment.AttachmentKey;

/**
 * The JSR 289 application name of a SIP deployment (unique in the container), attached by {@link SipInstallProcessor}
 * for the processors that come after it.
 */
public final class SipApplicationName {

    public static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);

    private SipApplicationName() {
    }
}
