package org.sipcity.registrar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.auth.CredentialStore;
import org.sipcity.registrar.auth.DigestAlgorithm;
import org.sipcity.registrar.auth.DigestAuthenticator;
import org.sipcity.registrar.auth.NonceCountTracker;
import org.sipcity.registrar.auth.NonceService;
import org.sipcity.registrar.registration.MutableClock;

/** The proxy's decisions: pings, URI schemes, 407 for our subscribers, local users, next hop, no open relay. */
class ProxyPolicyTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final CredentialStore store = (user, realm, algorithm) -> "alice".equals(user)
            ? algorithm.ha1(user, realm, "alice-secret") : null;
    private final DigestAuthenticator authenticator = new DigestAuthenticator(store,
            new NonceService("k".repeat(32).getBytes(StandardCharsets.US_ASCII), Duration.ofMinutes(5)),
            new NonceCountTracker(1000));
    private final ProxyPolicy policy = new ProxyPolicy(Set.of("example.org"), authenticator, null, clock);
    private final ProxyPolicy withNextHop = new ProxyPolicy(Set.of("example.org"), authenticator,
            "sip:gw.example.org;transport=tcp", clock);
    private long nonceCount;

    @Test
    void options_to_the_server_itself_is_answered_200_without_authentication() {
        ProxyDecision decision = policy.decide(new ProxyRequest("OPTIONS", true, null, "example.org", false, null,
                "alice", "example.org", false, List.of()));
        assertThat(decision).isEqualTo(new ProxyDecision.Answer(200, "OK", List.of()));
        assertThat(policy.decide(new ProxyRequest("OPTIONS", true, null, "192.0.2.1", true, null, "x",
                "elsewhere.net", false, List.of()))).isEqualTo(new ProxyDecision.Answer(200, "OK", List.of()));
    }

    @Test
    void a_request_uri_that_is_not_sip_gets_416() {
        ProxyDecision decision = policy.decide(new ProxyRequest("INVITE", false, null, null, false, null, "alice",
                "example.org", false, List.of()));
        assertThat(((ProxyDecision.Answer) decision).status()).isEqualTo(416);
    }

    @Test
    void our_subscriber_is_challenged_with_407_in_the_realm_of_its_domain() {
        ProxyDecision decision = policy.decide(invite("bob", "example.org", "alice", "example.org", List.of()));
        ProxyDecision.Answer answer = (ProxyDecision.Answer) decision;
        assertThat(answer.status()).isEqualTo(407);
        assertThat(answer.headers()).hasSize(2).allSatisfy(header -> {
            assertThat(header.name()).isEqualTo("Proxy-Authenticate");
            assertThat(header.value()).contains("realm=\"example.org\"", "qop=\"auth\"");
        });
    }

    @Test
    void an_authenticated_call_to_a_local_user_goes_to_the_location_service_and_consumes_our_credentials() {
        ProxyDecision decision = policy.decide(invite("bob", "Example.ORG", "alice", "example.org",
                List.of(credentials("alice", "alice-secret", challengeNonce(policy)))));
        assertThat(decision).isEqualTo(new ProxyDecision.ToLocalUser("bob", "example.org", "example.org"));
    }

    @Test
    void credentials_of_another_subscriber_than_the_from_user_are_refused_403() {
        ProxyDecision decision = policy.decide(invite("bob", "example.org", "carol", "example.org",
                List.of(credentials("alice", "alice-secret", challengeNonce(policy)))));
        assertThat(((ProxyDecision.Answer) decision).status()).isEqualTo(403);
    }

    @Test
    void a_wrong_password_is_challenged_again() {
        ProxyDecision decision = policy.decide(invite("bob", "example.org", "alice", "example.org",
                List.of(credentials("alice", "guess", challengeNonce(policy)))));
        assertThat(((ProxyDecision.Answer) decision).status()).isEqualTo(407);
    }

    @Test
    void inbound_calls_from_other_domains_to_our_users_need_no_authentication() {
        ProxyDecision decision = policy.decide(invite("bob", "example.org", "dave", "elsewhere.net", List.of()));
        assertThat(decision).isEqualTo(new ProxyDecision.ToLocalUser("bob", "example.org", null));
    }

    @Test
    void a_foreign_caller_to_a_foreign_domain_is_refused_403_no_open_relay() {
        ProxyDecision decision = withNextHop.decide(invite("carol", "far.example", "dave", "elsewhere.net", List.of()));
        ProxyDecision.Answer answer = (ProxyDecision.Answer) decision;
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.reason()).contains("relay");
    }

    @Test
    void our_subscriber_reaches_another_domain_through_the_next_hop_or_gets_404_without_one() {
        ProxyRequest noRoute = invite("carol", "far.example", "alice", "example.org",
                List.of(credentials("alice", "alice-secret", challengeNonce(withNextHop))));
        assertThat(withNextHop.decide(noRoute))
                .isEqualTo(new ProxyDecision.Onward("sip:gw.example.org;transport=tcp", "example.org"));

        ProxyRequest again = invite("carol", "far.example", "alice", "example.org",
                List.of(credentials("alice", "alice-secret", challengeNonce(policy))));
        assertThat(((ProxyDecision.Answer) policy.decide(again)).status()).isEqualTo(404);
    }

    @Test
    void a_preloaded_route_is_followed_for_our_subscriber() {
        ProxyRequest routed = new ProxyRequest("INVITE", true, "carol", "far.example", false, null, "alice",
                "example.org", true, List.of(credentials("alice", "alice-secret", challengeNonce(policy))));
        assertThat(policy.decide(routed)).isEqualTo(new ProxyDecision.Onward(null, "example.org"));
    }

    @Test
    void a_request_uri_naming_our_address_stands_for_our_domain() {
        ProxyRequest byAddress = new ProxyRequest("INVITE", true, "bob", "192.0.2.1", true, "192.0.2.1", "dave",
                "elsewhere.net", false, List.of());
        assertThat(policy.decide(byAddress)).isEqualTo(new ProxyDecision.ToLocalUser("bob", "example.org", null));

        ProxyPolicy twoDomains = new ProxyPolicy(Set.of("example.org", "example.com"), null, null, clock);
        ProxyRequest toNamesIt = new ProxyRequest("INVITE", true, "bob", "192.0.2.1", true, "Example.COM", "dave",
                "elsewhere.net", false, List.of());
        assertThat(twoDomains.decide(toNamesIt)).isEqualTo(new ProxyDecision.ToLocalUser("bob", "example.com", null));
        ProxyRequest ambiguous = new ProxyRequest("INVITE", true, "bob", "192.0.2.1", true, "192.0.2.1", "dave",
                "elsewhere.net", false, List.of());
        assertThat(((ProxyDecision.Answer) twoDomains.decide(ambiguous)).status()).isEqualTo(404);
    }

    @Test
    void without_an_authenticator_our_domain_is_trusted() {
        ProxyPolicy open = new ProxyPolicy(Set.of("example.org"), null, null, clock);
        assertThat(open.decide(invite("bob", "example.org", "alice", "example.org", List.of())))
                .isEqualTo(new ProxyDecision.ToLocalUser("bob", "example.org", null));
    }

    private static ProxyRequest invite(String toUser, String toHost, String fromUser, String fromHost,
            List<String> credentials) {
        return new ProxyRequest("INVITE", true, toUser, toHost, false, toHost, fromUser, fromHost, false, credentials);
    }

    private String challengeNonce(ProxyPolicy which) {
        ProxyDecision.Answer challenge = (ProxyDecision.Answer) which.decide(
                invite("bob", "example.org", "alice", "example.org", List.of()));
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().get(0).value());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private String credentials(String user, String password, String nonce) {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String nc8 = String.format("%08x", ++nonceCount);
        String ha1 = md5.hash(user + ":example.org:" + password);
        String response = md5.hash(ha1 + ":" + nonce + ":" + nc8 + ":c0ffee:auth:" + md5.hash("INVITE:sip:bob@example.org"));
        return "Digest username=\"" + user + "\",realm=\"example.org\",nonce=\"" + nonce
                + "\",uri=\"sip:bob@example.org\",response=\"" + response + "\",algorithm=MD5,cnonce=\"c0ffee\",qop=auth,nc="
                + nc8;
    }
}
