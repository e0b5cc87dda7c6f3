/**
 * Deployment metadata: {@code WEB-INF/sip.xml} ({@link org.sipcity.sip.container.deployment.SipXmlParser}) and the
 * JSR 289 annotations ({@link org.sipcity.sip.container.deployment.SipAnnotations}) turned into a
 * {@link org.sipcity.sip.container.api.SipDeploymentInfo}. Finding the files and classes in an archive is the
 * embedder's job.
 */
package org.sipcity.sip.container.deployment;
