package org.sipcity.registrar.subscriber;

/** A subscriber administration request that could not be carried out; the message says why. */
public class SubscriberException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SubscriberException(String message) {
        super(message);
    }

    public SubscriberException(String message, Throwable cause) {
        super(message, cause);
    }
}
