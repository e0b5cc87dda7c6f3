package org.sipcity.sip.container.spec;

import java.net.InetSocketAddress;

/**
 * Where a message travelled: its transport ({@code UDP}, {@code TCP}, {@code TLS}...) and the local and remote socket
 * addresses. Either address may be null when not known (a message built but not yet sent).
 */
public record MessageEndpoints(String transport, InetSocketAddress local, InetSocketAddress remote) {

    public static final MessageEndpoints UNKNOWN = new MessageEndpoints(null, null, null);
}
