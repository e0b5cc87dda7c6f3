package org.sipcity.stack.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;

/**
 * A flow in the sense of RFC 5626 §3.3: one TCP or TLS connection, or for UDP the pair (listening socket,
 * remote address). Responses go back on the flow their request came on (RFC 3261 §18.2.2), and an edge
 * proxy sends requests for a registered contact over the flow the registration used (RFC 5626 §5.3).
 *
 * <p>Every method is thread-safe and none blocks.
 */
public interface Flow {

    /**
     * A compact printable token, unique for the life of this process and practically unique across
     * restarts, stable while the flow lives. It consists of RFC 3261 {@code token} characters, so it may
     * be embedded in a URI user part or parameter. It is not secret: a flow token put into a Path or
     * Record-Route header must be integrity-protected by the layer that does so (RFC 5626 §5.2).
     */
    String id();

    TransportType transport();

    /** The name of the connector whose socket or settings this flow uses. */
    String connectorName();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /**
     * The remote IP address as text (an IPv6 address compressed, without brackets): what a received request's Via
     * is stamped with (RFC 3261 §18.2.1). A UDP flow formats it once; a connection formats it per request, so that
     * an idle connection holds no copy of it (heap per idle flow, tests/SCALE.md).
     */
    default String remoteHostAddress() {
        return NetUtil.toAddressString(remoteAddress().getAddress());
    }

    /** False once the connection closed or the UDP flow expired; a closed flow never opens again. */
    boolean isOpen();

    /**
     * Queues one whole encoded message for sending and returns at once. Ownership of {@code message}
     * passes to the flow: it is released whatever happens.
     *
     * <p>On a stream a message is queued even above the high water mark (a response lost on TCP is never
     * retransmitted); there the connection stops reading instead, so that TCP flow control slows the peer.
     * Only beyond the hard limit ({@link SipConnectorConfig#writeQueueLimit()}) is it dropped. A UDP flow drops
     * above the high water mark of its socket, as the network would.
     *
     * <p>Sent on the flow's event loop while it handles a message the transport has just delivered (an inline
     * application's answer, the overload valve's 503), the message waits for the end of that read and the answers of
     * one read leave in one system call ({@code writev} on a stream, {@code sendmmsg} over UDP with epoll) instead of
     * one each. Sends of other threads are flushed without waiting for a read.
     *
     * @return {@code true} if the message was handed to the socket's write queue; {@code false} if it was
     *         dropped (and counted) because the flow is closed or its write queue is full
     */
    boolean send(ByteBuf message);

    /**
     * Whether the flow is open and its write queue is below the high water mark (a stream connection above it
     * has stopped reading, though {@link #send} still queues up to the hard limit). A connection that is not
     * writable has a peer that does not read what we send it; the overload valve takes no new work from it (Shen
     * and Schulzrinne, TCP-based SIP overload control). A volatile read.
     */
    default boolean isWritable() {
        return isOpen();
    }

    /** Closes the connection (TLS: after close_notify), or forgets a UDP flow. Idempotent. */
    void close();

    /** Wall-clock time in milliseconds of the last bytes received on this flow (or of its opening). */
    long lastActivityMillis();

    /** The TLS session once the handshake is done; {@code null} for UDP and TCP. */
    default SSLSession sslSession() {
        return null;
    }
}
