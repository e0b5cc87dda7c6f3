package org.sipcity.registrar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.InMemoryLocationService;

class LocalTargetsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final InMemoryLocationService locations = new InMemoryLocationService();
    private final LocalTargets targets = new LocalTargets(locations,
            (user, domain) -> List.of("alice", "bob").contains(user) && domain.equals("example.org"));

    private void bind(String contact, int q, long expiresIn) {
        locations.apply(new BindingChange("sip:alice@example.org", List.of(new ContactBinding("sip:alice@example.org",
                contact, NOW.plusSeconds(expiresIn), q, "c", 1, List.of(), null, null, null, null, null)), List.of(),
                false));
    }

    @Test
    void an_unknown_user_is_404_and_a_known_user_without_binding_is_480() {
        assertThat(targets.resolve("carol", "example.org", NOW)).isInstanceOf(TargetDecision.UnknownUser.class);
        assertThat(targets.resolve("bob", "example.org", NOW)).isInstanceOf(TargetDecision.NotRegistered.class);
    }

    @Test
    void bindings_come_in_q_groups_highest_first_with_no_q_as_one() {
        bind("sip:a@192.0.2.1", 500, 600);
        bind("sip:b@192.0.2.2", -1, 600);
        bind("sip:c@192.0.2.3", 500, 900);
        bind("sip:d@192.0.2.4", 100, 600);
        bind("sip:e@192.0.2.5", 1000, 300);
        TargetDecision decision = targets.resolve("alice", "example.org", NOW);
        assertThat(decision).isInstanceOf(TargetDecision.Groups.class);
        List<List<String>> uris = ((TargetDecision.Groups) decision).groups().stream()
                .map(group -> group.stream().map(ContactBinding::contactUri).toList()).toList();
        assertThat(uris).containsExactly(List.of("sip:b@192.0.2.2", "sip:e@192.0.2.5"),
                List.of("sip:c@192.0.2.3", "sip:a@192.0.2.1"), List.of("sip:d@192.0.2.4"));
    }

    @Test
    void expired_bindings_are_no_targets() {
        bind("sip:a@192.0.2.1", -1, -1);
        assertThat(targets.resolve("alice", "example.org", NOW)).isInstanceOf(TargetDecision.NotRegistered.class);
    }
}
