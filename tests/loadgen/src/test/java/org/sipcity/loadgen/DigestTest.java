package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestTest {

    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void answersTheRfc7616Examples() {
        // RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256
        for (var expected : Map.of("MD5", "8ca523f5e9506fed4657c9700eebdbec", "SHA-256",
                "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1").entrySet()) {
            DigestChallenge challenge = DigestChallenge.parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                    + "algorithm=" + expected.getKey() + ", nonce=\"" + NONCE + "\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"")
                    .orElseThrow();
            String authorization = new DigestAnswer(challenge, "Mufasa", "Circle of Life")
                    .authorization("GET", "/dir/index.html", CNONCE);
            Map<String, String> params = DigestChallenge.authParams(authorization.substring("Digest ".length()));
            assertThat(params).containsEntry("response", expected.getValue()).containsEntry("nc", "00000001")
                    .containsEntry("qop", "auth").containsEntry("username", "Mufasa")
                    .containsEntry("opaque", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
        }
    }

    @Test
    void countsNonceUses() {
        DigestChallenge challenge = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"").orElseThrow();
        DigestAnswer answer = new DigestAnswer(challenge, "u", "p");
        answer.authorization("REGISTER", "sip:r");
        assertThat(answer.authorization("REGISTER", "sip:r")).contains("nc=00000002");
    }

    @Test
    void choosesTheFirstChallengeItSupports() {
        List<String> offered = List.of("Digest realm=\"r\", nonce=\"a\", qop=\"auth\", algorithm=SHA-512-256",
                "Basic realm=\"r\"", "Digest realm=\"r\", nonce=\"b\", qop=\"auth\", algorithm=SHA-256",
                "Digest realm=\"r\", nonce=\"c\", qop=\"auth\", algorithm=MD5");
        DigestChallenge chosen = DigestChallenge.firstSupported(offered).orElseThrow();
        assertThat(chosen.nonce()).isEqualTo("b");
        assertThat(chosen.algorithm()).isEqualTo(DigestChallenge.Algorithm.SHA_256);
    }

    @Test
    void refusesChallengesItCannotAnswer() {
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"")).isEmpty(); // no qop=auth (RFC 2069 style)
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"")).isEmpty();
        assertThat(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=MD5-sess")).isEmpty();
        assertThat(DigestChallenge.parse("Digest realm=\"r\", qop=\"auth\"")).isEmpty();
        assertThat(DigestChallenge.parse("Basic realm=\"r\"")).isEmpty();
        assertThat(DigestChallenge.parse("Digestive")).isEmpty();
    }
}
