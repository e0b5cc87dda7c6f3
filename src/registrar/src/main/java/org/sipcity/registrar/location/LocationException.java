package org.sipcity.registrar.location;

/** A binding change could not be stored; nothing of it became visible. */
public class LocationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
