package org.sipcity.sip.container.spec;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.sipcity.stack.address.SipUri;

/** The SIP URI at which this container is reached over a given local socket (for the Contacts it writes). */
public final class Contacts {

    private Contacts() {
    }

    public static SipUri of(InetSocketAddress local, String transport) {
        SipUri.Builder uri = SipUri.builder().host(NetUtil.toAddressString(local.getAddress())).port(local.getPort());
        if (transport != null && !"UDP".equalsIgnoreCase(transport)) {
            uri.parameter("transport", transport.toLowerCase(Locale.ROOT));   // RFC 3261 §19.1.1: UDP is the default
        }
        return uri.build();
    }
}
