package org.sipcity.sip.subsystem.deployment;

import java.util.List;
import org.jboss.as.server.deployment.AttachmentKey;
import org.jboss.vfs.VirtualFile;

/**
 * What makes a deployment a SIP application (JSR 289 §11): its {@code WEB-INF/sip.xml} (null if none) and the
 * classes carrying SIP annotations. Attached by {@link SipDependencyProcessor}, read by {@link SipInstallProcessor}.
 */
record SipDeploymentMarker(VirtualFile sipXml, List<String> annotatedClasses) {

    static final AttachmentKey<SipDeploymentMarker> KEY = AttachmentKey.create(SipDeploymentMarker.class);
}
