package org.sipcity.stack.transport.netty;

import io.netty.channel.Channel;
import javax.net.ssl.SSLSession;

/** A TLS connection as a {@link StreamFlow}: the session of its completed handshake, which a TCP flow does not hold. */
final class TlsStreamFlow extends StreamFlow {

    private volatile SSLSession sslSession;

    TlsStreamFlow(StreamFlowHandler handler, Channel channel) {
        super(handler, channel);
    }

    @Override
    public SSLSession sslSession() {
        return sslSession;
    }

    void sslSession(SSLSession session) {
        this.sslSession = session;
    }
}
