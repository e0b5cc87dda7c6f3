package org.sipcity.sip.container.api;

import jakarta.servlet.ServletContext;

/**
 * Called once per deployment with the application's servlet context after the container published the JSR 289
 * services in it ({@code SipFactory}, {@code TimerService}, {@code SipSessionsUtil}, §2.3) and before any listener or
 * servlet is created: the place where an embedding server makes those services reachable to injection and lookups
 * that run while the instances are made (as Undertow runs {@code ServletContainerInitializer}s before servlets).
 */
@FunctionalInterface
public interface ApplicationInitializer {

    /**
     * @throws SipDeploymentException when the application cannot be deployed; deployment fails with it
     */
    void onStartup(ServletContext servletContext) throws SipDeploymentException;
}
