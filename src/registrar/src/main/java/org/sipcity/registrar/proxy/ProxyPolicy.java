package org.sipcity.registrar.proxy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.sipcity.registrar.auth.AuthResult;
import org.sipcity.registrar.auth.DigestAuthenticator;

/**
 * Where an initial request goes, in the order a Kamailio default configuration checks it:
 * <ol>
 * <li>OPTIONS to the server itself (no user part) → 200: keep-alive pings are answered, not proxied.</li>
 * <li>A Request-URI whose host is our own address stands for our domain (the To host if ours, else the only one).</li>
 * <li>A Request-URI that is not SIP → 416 (RFC 3261 §21.4.17; tel: URIs need a gateway route we do not have).</li>
 * <li>A request whose From claims one of our domains must prove it (RFC 3261 §22.3): 407 with a Proxy-Authenticate
 * challenge per algorithm, realm = that domain; the authenticated user must be the From user, else 403 (no
 * spoofing another subscriber). Requests from other domains to our users are accepted unauthenticated (inbound
 * calls).</li>
 * <li>To one of our domains without a Route onward → the location service ({@link ToLocalUser}).</li>
 * <li>Anywhere else: only for our (authenticated) subscribers, else 403 (no open relay); by its Route headers, else
 * the configured next hop, else 404 (RFC 3261 §21.4.4: a domain we do not handle, and no route to it).</li>
 * </ol>
 * The realm's credentials are "consumed" (removed before forwarding); those of other realms are left for the proxies
 * they are meant for (RFC 3261 §22.3).
 */
public final class ProxyPolicy {

    private final Set<String> domains;
    private final DigestAuthenticator authenticator;
    private final String nextHop;
    private final Clock clock;

    /**
     * @param domains       our domains, lower case (the registrar's)
     * @param authenticator null when requests are not authenticated (an open server on a trusted network)
     * @param nextHop       the SIP URI requests for other domains go to, or null for none
     */
    public ProxyPolicy(Set<String> domains, DigestAuthenticator authenticator, String nextHop, Clock clock) {
        this.domains = Set.copyOf(domains);
        this.authenticator = authenticator;
        this.nextHop = nextHop;
        this.clock = clock;
    }

    public ProxyDecision decide(ProxyRequest request) {
        boolean noUser = request.requestUser() == null || request.requestUser().isEmpty();
        String localDomain = localDomain(request);
        if (noUser && localDomain != null && !request.routed() && "OPTIONS".equals(request.method())) {
            return ProxyDecision.Answer.of(200, "OK");
        }
        if (!request.requestUriIsSip() && !request.routed()) {
            return ProxyDecision.Answer.of(416, "Unsupported URI Scheme");
        }
        boolean fromUs = request.fromHost() != null && ours(request.fromHost());
        String consumedRealm = null;
        if (fromUs && authenticator != null) {
            String realm = request.fromHost().toLowerCase(Locale.ROOT);
            AuthResult result = authenticator.authenticate(request.method(), request.proxyAuthorization(), realm,
                    clock.instant());
            if (result instanceof AuthResult.Malformed malformed) {
                return ProxyDecision.Answer.of(400, malformed.reason());
            }
            if (result instanceof AuthResult.Challenge challenge) {
                List<ProxyDecision.Header> headers = new ArrayList<>();
                for (String value : authenticator.challenges(realm, challenge.stale(), clock.instant())) {
                    headers.add(new ProxyDecision.Header("Proxy-Authenticate", value));
                }
                return new ProxyDecision.Answer(407, "Proxy Authentication Required", headers);
            }
            AuthResult.Authenticated who = (AuthResult.Authenticated) result;
            if (!who.username().equals(request.fromUser())) {
                return ProxyDecision.Answer.of(403, "Forbidden (From is not the authenticated user)");
            }
            consumedRealm = realm;
        }
        if (localDomain != null && !request.routed()) {
            if (noUser) {
                return ProxyDecision.Answer.of(404, "Not Found (no user part)");
            }
            return new ProxyDecision.ToLocalUser(request.requestUser(), localDomain, consumedRealm);
        }
        if (request.requestHostIsUs() && !request.routed()) {
            return ProxyDecision.Answer.of(404, "Not Found (name the domain: the To host is none of ours)");
        }
        if (!fromUs) {
            return ProxyDecision.Answer.of(403, "Forbidden (relaying denied)");
        }
        if (request.routed()) {
            return new ProxyDecision.Onward(null, consumedRealm);
        }
        if (nextHop == null) {
            return ProxyDecision.Answer.of(404, "Not Found (domain not served here and no outbound route)");
        }
        return new ProxyDecision.Onward(nextHop, consumedRealm);
    }

    /**
     * The domain of ours a Request-URI names: its host when that is one of our domains; when the host is our own
     * address (UAs and SIPp often write {@code sip:bob@192.0.2.1}, as Kamailio's "myself" accepts), the To host if it
     * is ours, else our only domain. Null when the request is for elsewhere (or our address with several domains and
     * no hint).
     */
    private String localDomain(ProxyRequest request) {
        String host = request.requestHost();
        if (!request.requestUriIsSip() || host == null) {
            return null;
        }
        if (ours(host)) {
            return host.toLowerCase(Locale.ROOT);
        }
        if (!request.requestHostIsUs()) {
            return null;
        }
        if (request.toHost() != null && ours(request.toHost())) {
            return request.toHost().toLowerCase(Locale.ROOT);
        }
        return domains.size() == 1 ? domains.iterator().next() : null;
    }

    private boolean ours(String host) {
        return domains.contains(host.toLowerCase(Locale.ROOT));
    }
}
