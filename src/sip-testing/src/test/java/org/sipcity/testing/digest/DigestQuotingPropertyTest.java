package org.sipcity.testing.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Whatever printable text a server puts in realm and nonce, and whatever user name the test uses, the answer
 * quotes them so that a server's parser reads them back unchanged (RFC 7230 §3.2.6 quoted-string escapes).
 */
class DigestQuotingPropertyTest {

    @Property(tries = 300)
    void quotedValuesSurviveTheRoundTrip(@ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 30) String user,
                                         @ForAll @CharRange(from = ' ', to = '~') @StringLength(min = 1, max = 30) String realm,
                                         @ForAll @CharRange(from = '!', to = '~') @StringLength(min = 1, max = 30) String nonce) {
        String challengeText = "Digest realm=" + quote(realm) + ", nonce=" + quote(nonce) + ", qop=\"auth\"";
        DigestChallenge challenge = DigestChallenge.parse(challengeText);
        assertThat(challenge.realm()).isEqualTo(realm);
        assertThat(challenge.nonce()).isEqualTo(nonce);

        String answer = new DigestCredentials(user, "pw").answer(challenge, "REGISTER", "sip:example.org", new byte[0]);

        Map<String, String> parsed = DigestChallenge.parseParameters(answer.substring("Digest ".length()));
        assertThat(parsed).containsEntry("username", user).containsEntry("realm", realm)
                .containsEntry("nonce", nonce).containsEntry("uri", "sip:example.org").containsEntry("qop", "auth");
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
