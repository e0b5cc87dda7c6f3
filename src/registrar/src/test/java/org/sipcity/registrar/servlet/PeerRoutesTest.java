package org.sipcity.registrar.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class PeerRoutesTest {

    private static final byte[] SECRET = "region-secret-of-at-least-32-bytes!".getBytes();
    private static final Instant NOW = Instant.parse("2026-11-25T21:00:00Z");

    private static PeerRoutes at(Instant instant, byte[] secret) {
        return new PeerRoutes(secret, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void a_token_is_accepted_by_any_node_with_the_secret_for_its_call_and_aor_only() {
        String token = at(NOW, SECRET).token("call-1@a", "bob@example.org");
        PeerRoutes owner = at(NOW.plusSeconds(2), SECRET);
        assertThat(owner.verify(token, "call-1@a", "bob@example.org")).isTrue();
        assertThat(owner.verify(token, "call-2@a", "bob@example.org")).as("another call").isFalse();
        assertThat(owner.verify(token, "call-1@a", "alice@example.org")).as("another AOR").isFalse();
    }

    @Test
    void a_token_of_another_secret_a_forged_or_an_old_one_is_refused() {
        String token = at(NOW, SECRET).token("call-1@a", "bob@example.org");
        assertThat(at(NOW, "another-secret-of-at-least-32-bytes".getBytes()).verify(token, "call-1@a",
                "bob@example.org")).isFalse();
        assertThat(at(NOW.plusSeconds(33), SECRET).verify(token, "call-1@a", "bob@example.org")).as("expired").isFalse();
        String seconds = token.substring(0, token.indexOf('.'));
        assertThat(at(NOW, SECRET).verify(seconds + ".AAAAAAAAAAAAAAAAAAAAAA", "call-1@a", "bob@example.org")).isFalse();
        assertThat(at(NOW, SECRET).verify((NOW.getEpochSecond() + 1) + token.substring(token.indexOf('.')),
                "call-1@a", "bob@example.org")).as("time changed").isFalse();
        assertThat(at(NOW, SECRET).verify("nonsense", "call-1@a", "bob@example.org")).isFalse();
        assertThat(at(NOW, SECRET).verify(null, "call-1@a", "bob@example.org")).isFalse();
    }
}
