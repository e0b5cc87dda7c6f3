package org.sipcity.sip.container.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns the host name of a next hop into an address. It may block (a DNS query can take seconds to time out), so the
 * container calls it on a worker only, never on an event loop. The default is the system resolver; a container may be
 * given another (a static host table, a resolver with its own cache).
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver ({@link InetAddress#getByName}: hosts file, then DNS A/AAAA, cached by the JDK). */
    HostResolver SYSTEM = InetAddress::getByName;

    /** The address of {@code host}, a name that is not an IP literal. */
    InetAddress resolve(String host) throws UnknownHostException;
}
