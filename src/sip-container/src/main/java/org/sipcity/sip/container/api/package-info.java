/**
 * What an embedder (the WildFly subsystem, a test) uses: {@link org.sipcity.sip.container.api.SipContainer}, the
 * deployment descriptors ({@link org.sipcity.sip.container.api.SipDeploymentInfo},
 * {@link org.sipcity.sip.container.api.SipServletInfo}), the pluggable
 * {@link org.sipcity.sip.container.api.InstanceFactory}, and the worker-queue
 * {@link org.sipcity.sip.container.api.DispatchMetrics}. Nothing here knows WildFly.
 */
package org.sipcity.sip.container.api;
