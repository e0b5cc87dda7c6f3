package org.sipcity.testing.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digest computation against the worked example of RFC 7616 §3.9.1, and the challenge parser. */
class DigestCredentialsTest {

    private static final DigestCredentials MUFASA = new DigestCredentials("Mufasa", "Circle of Life");
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    private static DigestChallenge rfc7616Challenge(String algorithm) {
        return DigestChallenge.parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                + "algorithm=" + algorithm + ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
    }

    @Test
    void md5AnswerMatchesRfc7616Example() {
        String answer = MUFASA.answer(rfc7616Challenge("MD5"), "GET", "/dir/index.html", new byte[0], CNONCE, 1);

        Map<String, String> p = DigestChallenge.parseParameters(answer.substring("Digest ".length()));
        assertThat(p.get("response")).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
        assertThat(p).containsEntry("qop", "auth").containsEntry("nc", "00000001").containsEntry("algorithm", "MD5")
                .containsEntry("opaque", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
                .containsEntry("uri", "/dir/index.html").containsEntry("username", "Mufasa");
    }

    @Test
    void sha256AnswerMatchesRfc7616Example() {
        String answer = MUFASA.answer(rfc7616Challenge("SHA-256"), "GET", "/dir/index.html", new byte[0], CNONCE, 1);

        assertThat(DigestChallenge.parseParameters(answer.substring("Digest ".length())).get("response"))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
        assertThat(answer).contains("qop=auth,").contains("nc=00000001").contains("algorithm=SHA-256");
    }

    @Test
    void challengeWithoutQopGetsTheRfc2069Form() {
        DigestChallenge challenge = DigestChallenge.parse("Digest realm=\"r\",nonce=\"n\"");
        String answer = MUFASA.answer(challenge, "REGISTER", "sip:example.org", new byte[0], "c", 1);

        String ha1 = DigestAlgorithm.MD5.hash("Mufasa:r:Circle of Life");
        String ha2 = DigestAlgorithm.MD5.hash("REGISTER:sip:example.org");
        assertThat(answer).contains("response=\"" + DigestAlgorithm.MD5.hash(ha1 + ":n:" + ha2) + "\"")
                .doesNotContain("qop").doesNotContain("cnonce");
        assertThat(challenge.algorithm()).isEqualTo(DigestAlgorithm.MD5);   // absent means MD5 (RFC 7616 §3.3)
    }

    @Test
    void parserReadsQuotedEscapesFlagsAndStale() {
        DigestChallenge challenge = DigestChallenge.parse(
                "Digest realm=\"a \\\"quoted\\\" realm\", nonce=abc, stale=TRUE, algorithm=sha-256-sess");

        assertThat(challenge.realm()).isEqualTo("a \"quoted\" realm");
        assertThat(challenge.nonce()).isEqualTo("abc");
        assertThat(challenge.stale()).isTrue();
        assertThat(challenge.algorithm()).isEqualTo(DigestAlgorithm.SHA_256_SESS);
        assertThat(challenge.qopOptions()).isEmpty();
    }

    @Test
    void unsupportedAlgorithmsAndSchemesAreNamed() {
        DigestChallenge exotic = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256");
        assertThatThrownBy(() -> MUFASA.answer(exotic, "REGISTER", "sip:x", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA-512-256");
        assertThatThrownBy(() -> DigestChallenge.parse("Basic realm=\"r\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Basic");
        assertThatThrownBy(() -> DigestChallenge.parse("Digest realm=\"r\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    }
}
