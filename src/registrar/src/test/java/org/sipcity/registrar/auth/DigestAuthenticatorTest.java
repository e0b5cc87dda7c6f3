package org.sipcity.registrar.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DigestAuthenticatorTest {

    private static final String REALM = "example.org";
    private static final String PASSWORD = "correct horse";
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Instant now = Instant.parse("2026-11-25T12:00:00Z");
    private final NonceService nonces = new NonceService(SECRET, Duration.ofMinutes(5));
    /** HA1s computed here, as SubscriberStore stores them; the JPA tests use the real store. */
    private final CredentialStore store = (user, realm, algorithm) -> "alice".equals(user)
            ? algorithm.ha1(user, realm, PASSWORD) : null;
    private final DigestAuthenticator authenticator = new DigestAuthenticator(store, nonces, new NonceCountTracker(1000));

    // RFC 7616 §3.9.1: username "Mufasa", password "Circle of Life", GET /dir/index.html.
    private static final String RFC_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void rfc7616_worked_example_md5_verifies() {
        String ha1 = DigestAlgorithm.MD5.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
        assertThat(DigestAuthenticator.response(DigestAlgorithm.MD5, ha1, "GET", "/dir/index.html", RFC_NONCE,
                "00000001", RFC_CNONCE, "auth")).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void rfc7616_worked_example_sha256_header_parses_and_verifies() {
        DigestCredentials credentials = DigestHeaderParser.parse("""
                Digest username="Mufasa",
                       realm="http-auth@example.org",
                       uri="/dir/index.html",
                       algorithm=SHA-256,
                       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                       nc=00000001,
                       cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                       qop=auth,
                       response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"""");
        assertThat(credentials).isNotNull();
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(credentials.algorithm());
        assertThat(algorithm).isEqualTo(DigestAlgorithm.SHA_256);
        String ha1 = algorithm.ha1(credentials.username(), credentials.realm(), "Circle of Life");
        assertThat(DigestAuthenticator.response(algorithm, ha1, "GET", credentials.uri(), credentials.nonce(),
                credentials.nonceCount(), credentials.cnonce(), credentials.qop())).isEqualTo(credentials.response());
        assertThat(credentials.opaque()).isEqualTo("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
    }

    @Test
    void the_challenge_offers_sha256_before_md5_with_qop_auth_and_one_fresh_nonce() {
        List<String> challenges = authenticator.challenges(REALM, false, now);
        assertThat(challenges).hasSize(2);
        assertThat(challenges.get(0)).startsWith("Digest realm=\"example.org\"").contains("algorithm=SHA-256", "qop=\"auth\"")
                .doesNotContain("stale");
        assertThat(challenges.get(1)).contains("algorithm=MD5");
        assertThat(nonceOf(challenges.get(0))).isEqualTo(nonceOf(challenges.get(1)));
        assertThat(nonces.check(nonceOf(challenges.get(0)), REALM, now)).isEqualTo(NonceService.Status.VALID);
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void the_right_password_authenticates(DigestAlgorithm algorithm) {
        String nonce = nonces.issue(REALM, now);
        assertThat(authenticate(algorithm, "alice", PASSWORD, nonce, 1))
                .isEqualTo(new AuthResult.Authenticated("alice", REALM));
    }

    @Test
    void configured_algorithms_are_the_only_ones_challenged_and_accepted() {
        DigestAuthenticator md5Only = new DigestAuthenticator(store, nonces, new NonceCountTracker(1000),
                List.of(DigestAlgorithm.MD5));
        assertThat(md5Only.challenges(REALM, false, now)).singleElement().asString().contains("algorithm=MD5");

        String nonce = nonces.issue(REALM, now);
        assertThat(md5Only.authenticate("REGISTER", List.of(header(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 1)),
                REALM, now)).isEqualTo(new AuthResult.Challenge(false));
        assertThat(md5Only.authenticate("REGISTER", List.of(header(DigestAlgorithm.MD5, "alice", PASSWORD, nonce, 2)),
                REALM, now)).isEqualTo(new AuthResult.Authenticated("alice", REALM));

        DigestAuthenticator md5First = new DigestAuthenticator(store, nonces, new NonceCountTracker(1000),
                List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256));
        assertThat(md5First.challenges(REALM, false, now)).hasSize(2).first().asString().contains("algorithm=MD5");
    }

    @Test
    void a_wrong_password_is_challenged_again_without_stale() {
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", "wrong", nonces.issue(REALM, now), 1))
                .isEqualTo(new AuthResult.Challenge(false));
    }

    @Test
    void an_unknown_user_is_challenged_like_a_wrong_password() {
        assertThat(authenticate(DigestAlgorithm.MD5, "mallory", PASSWORD, nonces.issue(REALM, now), 1))
                .isEqualTo(new AuthResult.Challenge(false));
    }

    @Test
    void an_expired_nonce_with_the_right_password_is_stale() {
        String nonce = nonces.issue(REALM, now);
        now = now.plus(Duration.ofMinutes(5)).plusSeconds(1);
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 1))
                .isEqualTo(new AuthResult.Challenge(true));
        assertThat(authenticator.challenges(REALM, true, now).get(0)).endsWith(", stale=true");
    }

    @Test
    void an_expired_nonce_with_a_wrong_password_is_not_called_stale() {
        String nonce = nonces.issue(REALM, now);
        now = now.plus(Duration.ofMinutes(6));
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", "wrong", nonce, 1))
                .isEqualTo(new AuthResult.Challenge(false));
    }

    @Test
    void a_replayed_nonce_count_is_refused_and_a_higher_one_accepted() {
        String nonce = nonces.issue(REALM, now);
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 1))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 1))
                .isEqualTo(new AuthResult.Challenge(true));
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 2))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 2))
                .isEqualTo(new AuthResult.Challenge(true));
    }

    @Test
    void the_same_count_from_the_same_transaction_is_a_retransmission_and_from_another_a_replay() {
        String nonce = nonces.issue(REALM, now);
        String credentials = header(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 1);
        assertThat(authenticator.authenticate("REGISTER", List.of(credentials), REALM, now, 1234))
                .isEqualTo(new AuthResult.Authenticated("alice", REALM, false));

        assertThat(authenticator.authenticate("REGISTER", List.of(credentials), REALM, now, 1234))
                .isEqualTo(new AuthResult.Authenticated("alice", REALM, true));
        assertThat(authenticator.authenticate("REGISTER", List.of(credentials), REALM, now, 4321))
                .isEqualTo(new AuthResult.Challenge(true));
        assertThat(authenticator.authenticate("REGISTER", List.of(credentials), REALM, now, 0))
                .isEqualTo(new AuthResult.Challenge(true));
        // once a higher count was used, the old request is no longer the nonce's last: a late copy is refused
        assertThat(authenticator.authenticate("REGISTER",
                List.of(header(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, 2)), REALM, now, 99))
                .isEqualTo(new AuthResult.Authenticated("alice", REALM, false));
        assertThat(authenticator.authenticate("REGISTER", List.of(credentials), REALM, now, 1234))
                .isEqualTo(new AuthResult.Challenge(true));
    }

    @Test
    void a_nonce_not_made_by_us_is_refused() {
        String forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertThat(authenticate(DigestAlgorithm.SHA_256, "alice", PASSWORD, forged, 1))
                .isEqualTo(new AuthResult.Challenge(false));
        assertThat(nonces.check(nonces.issue("other.org", now), REALM, now)).isEqualTo(NonceService.Status.INVALID);
    }

    @Test
    void credentials_for_another_realm_are_ignored_and_challenged() {
        assertThat(authenticator.authenticate("REGISTER",
                List.of("Digest username=\"alice\", realm=\"other.org\", nonce=\"x\", uri=\"sip:example.org\", response=\"0\""),
                REALM, now)).isEqualTo(new AuthResult.Challenge(false));
        assertThat(authenticator.authenticate("REGISTER", List.of(), REALM, now)).isEqualTo(new AuthResult.Challenge(false));
    }

    @Test
    void malformed_credentials_get_400() {
        assertThat(authenticator.authenticate("REGISTER", List.of("Digest username=\"alice"), REALM, now))
                .isInstanceOf(AuthResult.Malformed.class);
        String nonce = nonces.issue(REALM, now);
        assertThat(authenticator.authenticate("REGISTER", List.of("Digest username=\"alice\", realm=\"example.org\", nonce=\""
                + nonce + "\", uri=\"sip:example.org\", response=\"00\", qop=auth, nc=1, cnonce=\"c\""), REALM, now))
                .isInstanceOf(AuthResult.Malformed.class);
    }

    @Test
    void credentials_without_qop_are_challenged_for_they_cannot_be_replay_protected() {
        String nonce = nonces.issue(REALM, now);
        String ha1 = DigestAlgorithm.MD5.ha1("alice", REALM, PASSWORD);
        String response = DigestAlgorithm.MD5.hash(ha1 + ':' + nonce + ':'
                + DigestAlgorithm.MD5.hash("REGISTER:sip:example.org"));
        assertThat(authenticator.authenticate("REGISTER", List.of("Digest username=\"alice\", realm=\"example.org\", nonce=\""
                + nonce + "\", uri=\"sip:example.org\", response=\"" + response + "\""), REALM, now))
                .isEqualTo(new AuthResult.Challenge(false));
    }

    @Test
    void a_forgotten_nonce_is_refused_as_stale_so_eviction_never_reopens_a_replay() {
        NonceCountTracker small = new NonceCountTracker(2);
        DigestAuthenticator bounded = new DigestAuthenticator(store, nonces, small);
        String first = nonces.issue(REALM, now);
        now = now.plusSeconds(1);
        String second = nonces.issue(REALM, now);
        now = now.plusSeconds(1);
        String third = nonces.issue(REALM, now);
        assertThat(authenticate(bounded, first, 1)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(authenticate(bounded, second, 1)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(authenticate(bounded, third, 1)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(small.size()).isEqualTo(2);
        // "first" was evicted: replaying its nc=1 must not succeed
        assertThat(authenticate(bounded, first, 1)).isEqualTo(new AuthResult.Challenge(true));
        assertThat(authenticate(bounded, third, 2)).isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void two_uas_challenged_in_the_same_millisecond_get_nonces_of_their_own_and_both_authenticate_with_nc_1() {
        String first = nonces.issue(REALM, now);
        String second = nonces.issue(REALM, now);

        assertThat(first).isNotEqualTo(second);
        // Each UA starts its nonce's count at 1 (RFC 7616 §3.4); a shared nonce would make the second a "replay".
        assertThat(authenticate(authenticator, first, 1)).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(authenticate(authenticator, second, 1)).isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void a_nonce_whose_serial_was_altered_is_not_ours() {
        byte[] raw = java.util.Base64.getUrlDecoder().decode(nonces.issue(REALM, now));
        raw[8] ^= 1;
        String altered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

        assertThat(nonces.check(altered, REALM, now)).isEqualTo(NonceService.Status.INVALID);
    }

    @Test
    void the_nonce_secret_must_be_long_enough() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new NonceService(new byte[16], Duration.ofMinutes(5)));
    }

    private AuthResult authenticate(DigestAuthenticator which, String nonce, long nc) {
        return which.authenticate("REGISTER", List.of(header(DigestAlgorithm.SHA_256, "alice", PASSWORD, nonce, nc)),
                REALM, now);
    }

    private AuthResult authenticate(DigestAlgorithm algorithm, String user, String password, String nonce, long nc) {
        return authenticator.authenticate("REGISTER", List.of(header(algorithm, user, password, nonce, nc)), REALM, now);
    }

    /** What a UA sends: the client side of RFC 7616 §3.4, written out independently of the server code. */
    static String header(DigestAlgorithm algorithm, String user, String password, String nonce, long nc) {
        String uri = "sip:example.org";
        String ncText = String.format("%08x", nc);
        String cnonce = "0a4f113b";
        String ha1 = algorithm.hash(user + ":" + REALM + ":" + password);
        String ha2 = algorithm.hash("REGISTER:" + uri);
        String response = algorithm.hash(ha1 + ":" + nonce + ":" + ncText + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm.token() + ", cnonce=\"" + cnonce
                + "\", qop=auth, nc=" + ncText;
    }

    static String nonceOf(String challenge) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
