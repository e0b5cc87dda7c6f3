package org.sipcity.registrar.proxy;

import java.util.List;

/** What the proxy does with an initial request, as decided by {@link ProxyPolicy}. */
public sealed interface ProxyDecision {

    /** A final response from us; {@code headers} as name/value pairs (the 407 challenges). */
    record Answer(int status, String reason, List<Header> headers) implements ProxyDecision {
        public Answer {
            headers = List.copyOf(headers);
        }

        static Answer of(int status, String reason) {
            return new Answer(status, reason, List.of());
        }
    }

    /**
     * A request for a user of one of our domains: look the user up (404, 480, or the bindings in q-value groups).
     *
     * @param consumedRealm the realm whose Proxy-Authorization was checked here (to remove before forwarding), or null
     */
    record ToLocalUser(String user, String domain, String consumedRealm) implements ProxyDecision {
    }

    /**
     * A request that leaves our domains: by its own Route headers when {@code nextHop} is null, else through the
     * configured next hop.
     */
    record Onward(String nextHop, String consumedRealm) implements ProxyDecision {
    }

    record Header(String name, String value) {
    }
}
