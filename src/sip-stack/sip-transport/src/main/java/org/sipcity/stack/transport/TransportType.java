package org.sipcity.stack.transport;

import java.util.Locale;

/**
 * The SIP transports this stack speaks (RFC 3261 §18). SCTP and WebSocket are not offered.
 */
public enum TransportType {
    /** Datagrams: one datagram is one message, no framing, no connection (RFC 3261 §18.1.1). */
    UDP(false, false, 5060),
    /** A byte stream: messages are framed by Content-Length (RFC 3261 §18.3). */
    TCP(true, true, 5060),
    /** TCP under TLS; the default port of {@code sips:} URIs (RFC 3261 §26.2.1). */
    TLS(true, true, 5061);

    private final boolean reliable;
    private final boolean stream;
    private final int defaultPort;

    TransportType(boolean reliable, boolean stream, int defaultPort) {
        this.reliable = reliable;
        this.stream = stream;
        this.defaultPort = defaultPort;
    }

    /** True when the transport itself retransmits, so transaction timers A and E are not run (RFC 3261 §17.1.1.2). */
    public boolean isReliable() {
        return reliable;
    }

    /** True when messages travel on a byte stream and must be framed (RFC 3261 §18.3). */
    public boolean isStream() {
        return stream;
    }

    /** 5060, or 5061 for TLS (RFC 3261 §19.1.2). */
    public int defaultPort() {
        return defaultPort;
    }

    /** The token used in a Via header's sent-protocol, such as {@code TCP}. */
    public String viaToken() {
        return name();
    }

    /** The value of a URI {@code transport=} parameter, lower case as in RFC 3261 §19.1.1 examples. */
    public String uriParameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Resolves a Via transport token or URI transport parameter, case-insensitively (RFC 3261 §7.3.1:
     * the transport in a Via is a token compared case-insensitively).
     *
     * @return the transport, or {@code null} when this stack does not speak it
     */
    public static TransportType fromToken(String token) {
        if (token == null) {
            return null;
        }
        for (TransportType type : values()) {
            if (type.name().equalsIgnoreCase(token)) {
                return type;
            }
        }
        return null;
    }
}
