/** An application described by annotations only. */
@SipApplication(name = "presence", mainServlet = "watcher", sessionTimeout = 10)
package org.sipcity.sip.container.deployment.annotated;

import javax.servlet.sip.annotation.SipApplication;
