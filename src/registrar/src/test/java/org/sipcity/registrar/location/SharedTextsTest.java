package org.sipcity.registrar.location;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedTextsTest {

    @Test
    void bindingsFromDifferentRegistersShareOneUserAgentText() {
        Instant expires = Instant.parse("2026-11-25T12:00:00Z");
        String agent = new String("Polycom/5.9.6 shared-texts-test");
        ContactBinding first = new ContactBinding("sip:a@example.com", "sip:a@192.0.2.1", expires, -1, "c1", 1,
                List.of(), null, null, null, null, agent);
        ContactBinding second = new ContactBinding("sip:b@example.com", "sip:b@192.0.2.2", expires, -1, "c2", 1,
                List.of(), null, null, null, null, new String(agent));

        assertThat(second.userAgent()).isEqualTo(agent).isSameAs(first.userAgent());
        assertThat(first.expiresAt()).isEqualTo(expires);
        assertThat(first.expiresAtMillis()).isEqualTo(expires.toEpochMilli());
    }

    @Test
    void stopsTakingNewTextsAtItsBoundButKeepsSharingWhatItHolds() {
        String held = SharedTexts.share(new String("held-before-the-bound"));
        for (int i = 0; i < SharedTexts.MAX_TEXTS; i++) {
            SharedTexts.share("filler-" + i);
        }
        String late = new String("arrived-after-the-bound");
        assertThat(SharedTexts.share(late)).isSameAs(late);
        assertThat(SharedTexts.share(new String(late))).as("not shared: no room was left").isNotSameAs(late);
        assertThat(SharedTexts.share(new String("held-before-the-bound"))).isSameAs(held);
        assertThat(SharedTexts.share(null)).isNull();
    }
}
