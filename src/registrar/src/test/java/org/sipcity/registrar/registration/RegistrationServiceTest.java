package org.sipcity.registrar.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.registrar.registration.Registers.register;

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
import org.sipcity.registrar.location.InMemoryLocationService;

/** Steps 1 to 4 in their order: domain, Require, authentication (401), authorisation (403), then the bindings. */
class RegistrationServiceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final InMemoryLocationService locations = new InMemoryLocationService();
    private final CredentialStore store = (user, realm, algorithm) -> switch (user) {
        case "alice", "bob" -> algorithm.ha1(user, realm, user + "-secret");
        default -> null;
    };
    private final RegistrationService service = new RegistrationService(
            new Registrar(RegistrarPolicy.forDomains(Set.of("example.org")), locations),
            new DigestAuthenticator(store, new NonceService("k".repeat(32).getBytes(StandardCharsets.US_ASCII),
                    Duration.ofMinutes(5)), new NonceCountTracker(1000)), clock);

    @Test
    void a_register_without_credentials_gets_401_with_sha256_and_md5_challenges() {
        RegistrarOutcome outcome = service.handle(register().contact("sip:alice@192.0.2.10").build(), List.of());
        assertThat(outcome.status()).isEqualTo(401);
        assertThat(outcome.headerValues("WWW-Authenticate")).hasSize(2)
                .satisfies(values -> assertThat(values.get(0)).contains("algorithm=SHA-256", "realm=\"example.org\""));
        assertThat(locations.count()).isZero();
    }

    @Test
    void answering_the_challenge_registers() {
        String nonce = nonce(service.handle(register().contact("sip:alice@192.0.2.10").build(), List.of()));
        RegistrarOutcome outcome = service.handle(register().cseq(2).contact("sip:alice@192.0.2.10").build(),
                List.of(credentials("alice", "alice-secret", nonce, 1)));
        assertThat(outcome.status()).isEqualTo(200);
        assertThat(locations.count()).isEqualTo(1);
    }

    @Test
    void a_subscriber_registering_someone_elses_aor_gets_403() {
        String nonce = nonce(service.handle(register().aor("sip:bob@example.org").build(), List.of()));
        RegistrarOutcome outcome = service.handle(register().aor("sip:bob@example.org").cseq(2)
                .contact("sip:alice@192.0.2.10").build(), List.of(credentials("alice", "alice-secret", nonce, 1)));
        assertThat(outcome.status()).isEqualTo(403);
        assertThat(locations.count()).isZero();
    }

    @Test
    void a_stale_nonce_gets_401_with_stale_true() {
        String nonce = nonce(service.handle(register().build(), List.of()));
        clock.advance(Duration.ofMinutes(10));
        RegistrarOutcome outcome = service.handle(register().cseq(2).contact("sip:alice@192.0.2.10").build(),
                List.of(credentials("alice", "alice-secret", nonce, 1)));
        assertThat(outcome.status()).isEqualTo(401);
        assertThat(outcome.headerValues("WWW-Authenticate")).allSatisfy(v -> assertThat(v).endsWith("stale=true"));
    }

    @Test
    void a_retransmitted_authenticated_register_gets_the_same_200_not_a_new_challenge() {
        String nonce = nonce(service.handle(register().contact("sip:alice@192.0.2.10").build(), List.of()));
        var request = register().cseq(2).branch("z9hG4bK-2").expires("600").contact("sip:alice@192.0.2.10").build();
        List<String> authorization = List.of(credentials("alice", "alice-secret", nonce, 1));
        RegistrarOutcome first = service.handle(request, authorization);
        clock.advance(Duration.ofSeconds(10));

        // The same request again (RFC 3261 §17.2.3), e.g. resent over a new TCP connection after Timer J (0 s)
        RegistrarOutcome again = service.handle(request, authorization);

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).as(again.reason()).isEqualTo(200);
        assertThat(again.headerValues("Contact")).singleElement().asString().contains("expires=590");
        assertThat(locations.lookup("sip:alice@example.org", clock.instant())).singleElement()
                .satisfies(b -> assertThat(b.expiresAt()).isEqualTo(clock.instant().plusSeconds(590)));
    }

    @Test
    void the_same_credentials_on_another_transaction_are_a_replay_and_get_401_stale() {
        String nonce = nonce(service.handle(register().contact("sip:alice@192.0.2.10").build(), List.of()));
        List<String> authorization = List.of(credentials("alice", "alice-secret", nonce, 1));
        assertThat(service.handle(register().cseq(2).branch("z9hG4bK-2").contact("sip:alice@192.0.2.10").build(),
                authorization).status()).isEqualTo(200);

        RegistrarOutcome otherCSeq = service.handle(register().cseq(3).branch("z9hG4bK-3")
                .contact("sip:alice@192.0.2.11").build(), authorization);
        RegistrarOutcome otherBranch = service.handle(register().cseq(2).branch("z9hG4bK-2b")
                .contact("sip:alice@192.0.2.11").build(), authorization);
        RegistrarOutcome noBranch = service.handle(register().cseq(2).contact("sip:alice@192.0.2.11").build(),
                authorization);

        for (RegistrarOutcome replay : List.of(otherCSeq, otherBranch, noBranch)) {
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.headerValues("WWW-Authenticate")).allSatisfy(v -> assertThat(v).endsWith("stale=true"));
        }
        assertThat(locations.lookup("sip:alice@example.org", clock.instant()))
                .extracting(b -> b.contactUri()).containsExactly("sip:alice@192.0.2.10");
    }

    @Test
    void malformed_credentials_get_400() {
        RegistrarOutcome outcome = service.handle(register().contact("sip:alice@192.0.2.10").build(),
                List.of("Digest realm=\"example.org\", username"));
        assertThat(outcome.status()).isEqualTo(400);
    }

    @Test
    void require_and_domain_are_checked_before_authentication() {
        assertThat(service.handle(register().require("foo").build(), List.of()).status()).isEqualTo(420);
        assertThat(service.handle(register().domain("other.org").build(), List.of()).status()).isEqualTo(404);
    }

    private static String nonce(RegistrarOutcome challenge) {
        assertThat(challenge.status()).isEqualTo(401);
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.header("WWW-Authenticate"));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String credentials(String user, String password, String nonce, long nc) {
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String nc8 = String.format("%08x", nc);
        String ha1 = md5.hash(user + ":example.org:" + password);
        String response = md5.hash(ha1 + ":" + nonce + ":" + nc8 + ":c0ffee:auth:" + md5.hash("REGISTER:sip:example.org"));
        return "Digest username=\"" + user + "\",realm=\"example.org\",nonce=\"" + nonce
                + "\",uri=\"sip:example.org\",response=\"" + response + "\",algorithm=MD5,cnonce=\"c0ffee\",qop=auth,nc="
                + nc8;
    }
}
