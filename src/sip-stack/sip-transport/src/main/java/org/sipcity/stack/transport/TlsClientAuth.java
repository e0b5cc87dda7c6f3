package org.sipcity.stack.transport;

/** Whether a TLS connector asks connecting peers for a certificate. */
public enum TlsClientAuth {
    /** No certificate requested: the usual case for user agents, which rarely hold one. */
    NONE,
    /** A certificate is requested; peers without one are still accepted (their identity stays unknown). */
    OPTIONAL,
    /** Peers must present a certificate trusted by the connector's SSLContext (mutual TLS between servers, RFC 5922). */
    REQUIRE
}
