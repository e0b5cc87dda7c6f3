package org.sipcity.stack.framing;

/**
 * A CRLF keep-alive between messages on a stream (RFC 5626 §4.4.1, §3.5.1).
 */
public enum KeepAlive {
    /** A double CRLF ("ping"): the receiver MUST answer with a single CRLF right away. */
    PING,
    /** A single CRLF ("pong"): the answer to a ping this side sent; it proves the flow alive. */
    PONG
}
