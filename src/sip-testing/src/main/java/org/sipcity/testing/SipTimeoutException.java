package org.sipcity.testing;

/**
 * A wait of the test client ended without what was awaited: the time ran out, or the transaction failed (Timer B
 * or F, a transport error). The message names what was awaited and what arrived instead. An {@link AssertionError},
 * so test frameworks report it as a failed expectation.
 */
public final class SipTimeoutException extends AssertionError {

    private static final long serialVersionUID = 1L;

    public SipTimeoutException(String message) {
        super(message);
    }
}
