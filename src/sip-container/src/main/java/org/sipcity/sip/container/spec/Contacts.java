package org.sipcity.sip.container.spec;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.sipcity.stack.address.SipUri;

/** The SIP URI at which this container is reached over a given local socket (for the Contacts it writes). */
public final class Contacts {

    private Contacts() {
    }

    /**
     * @param advertisedHost the configured host to advertise, or null for the socket's address
     */
    public static SipUri of(InetSocketAddress local, String transport, String advertisedHost) {
        String host = advertisedHost != null ? advertisedHost : NetUtil.toAddressString(local.getAddress());
        SipUri.Builder uri = SipUri.builder().host(host).port(local.getPort());
        if (transport != null && !"UDP".equalsIgnoreCase(transport)) {
            uri.parameter("transport", transport.toLowerCase(Locale.ROOT));   // RFC 3261 §19.1.1: UDP is the default
        }
        return uri.build();
    }
}
