package org.sipcity.sip.container.api;

/** A SIP application cannot be deployed: bad metadata (naming file, line and element where known) or a failing class. */
public class SipDeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    public SipDeploymentException(String message) {
        super(message);
    }

    public SipDeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
