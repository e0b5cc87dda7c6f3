package org.sipcity.sip.container.spec;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a message travelled: its transport ({@code UDP}, {@code TCP}, {@code TLS}...) and the local and remote socket
 * addresses. Either address may be null when not known (a message built but not yet sent).
 * <p>
 * The addresses as text ({@link #remoteAddr()}, {@link #localAddr()}) are formatted once and kept: a registrar asks
 * for them several times per REGISTER, and {@code InetAddress.getHostAddress()} builds a new String each time.
 */
public final class MessageEndpoints {

    public static final MessageEndpoints UNKNOWN = new MessageEndpoints(null, null, null);

    private final String transport;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    /** Formatted on first use; a race formats twice to equal Strings, which are safe to publish. */
    private String remoteAddr;
    private String localAddr;

    public MessageEndpoints(String transport, InetSocketAddress local, InetSocketAddress remote) {
        this.transport = transport;
        this.local = local;
        this.remote = remote;
    }

    public String transport() {
        return transport;
    }

    public InetSocketAddress local() {
        return local;
    }

    public InetSocketAddress remote() {
        return remote;
    }

    /** The remote IP address as text ({@code InetAddress.getHostAddress()}), or null when unknown. */
    public String remoteAddr() {
        String text = remoteAddr;
        if (text == null && remote != null) {
            remoteAddr = text = remote.getAddress().getHostAddress();
        }
        return text;
    }

    /** The local IP address as text, or null when unknown. */
    public String localAddr() {
        String text = localAddr;
        if (text == null && local != null) {
            localAddr = text = local.getAddress().getHostAddress();
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageEndpoints other && Objects.equals(transport, other.transport)
                && Objects.equals(local, other.local) && Objects.equals(remote, other.remote);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transport, local, remote);
    }

    @Override
    public String toString() {
        return "MessageEndpoints[transport=" + transport + ", local=" + local + ", remote=" + remote + "]";
    }
}
