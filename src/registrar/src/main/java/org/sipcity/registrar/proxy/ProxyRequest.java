package org.sipcity.registrar.proxy;

import java.util.List;
import java.util.Objects;

/**
 * What the proxy's decision needs of an initial request, lifted out of the servlet API.
 *
 * @param method              the method name
 * @param requestUriIsSip     whether the Request-URI is a sip: or sips: URI
 * @param requestUser         its user part, or null
 * @param requestHost         its host, or null for a URI that is not SIP
 * @param requestHostIsUs     whether that host is the address of this server (the request arrived on it)
 * @param toHost              the To URI's host, or null when it is not a SIP URI
 * @param fromUser            the From URI's user part, or null
 * @param fromHost            the From URI's host, or null when it is not a SIP URI
 * @param routed              whether Route headers remain once ours was popped (a preloaded route onward)
 * @param proxyAuthorization  every Proxy-Authorization value
 */
public record ProxyRequest(String method, boolean requestUriIsSip, String requestUser, String requestHost,
        boolean requestHostIsUs, String toHost, String fromUser, String fromHost, boolean routed,
        List<String> proxyAuthorization) {

    public ProxyRequest {
        Objects.requireNonNull(method, "method");
        proxyAuthorization = List.copyOf(proxyAuthorization);
    }
}
