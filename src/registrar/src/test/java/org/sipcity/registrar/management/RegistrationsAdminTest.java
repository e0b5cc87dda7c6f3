package org.sipcity.registrar.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.location.InMemoryLocationService;
import org.sipcity.registrar.location.InstanceId;
import org.sipcity.registrar.registration.MutableClock;
import org.sipcity.registrar.registration.Registrar;
import org.sipcity.registrar.registration.RegistrarPolicy;

/** The registrations bean over the in-memory location table: what an operator sees and what refusals say. */
class RegistrationsAdminTest {

    private static final String AOR = "sip:alice@example.org";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final InMemoryLocationService locations = new InMemoryLocationService();
    private final RegistrationsAdmin admin = new RegistrationsAdmin(
            new Registrar(RegistrarPolicy.forDomains(Set.of("example.org")), locations), locations, clock);

    private ContactBinding binding(String contact, int q, String instance, Integer regId, String sourceToken,
            String userAgent) {
        FlowToken source = FlowToken.of(sourceToken);
        return new ContactBinding(AOR, contact, clock.instant().plusSeconds(600), q, "call-1@ua", 7, List.of("<sip:edge.example.org;lr>"),
                InstanceId.of(instance), regId, regId == null ? null : source, source, userAgent);
    }

    private void store(ContactBinding... bindings) {
        locations.apply(new BindingChange(bindings[0].aor(), List.of(bindings), List.of(), false));
    }

    @Test
    void list_bindings_shows_every_field_an_operator_needs() {
        store(binding("sip:alice@192.0.2.10:5060", 500, null, null, "udp:192.0.2.10:5060>198.51.100.1:5060", "Phone/1.0"),
                binding("sip:alice@[2001:db8::1]:5070;transport=tcp", -1, "<urn:uuid:00000000-0000-1000-8000-000a95a0e128>", 1,
                        "tcp:2001:db8::1:40312>2001:db8::2:5060", null));
        clock.advance(java.time.Duration.ofSeconds(100));

        List<BindingInfo> bindings = admin.listBindings("<sip:alice@EXAMPLE.org>");

        assertThat(bindings).hasSize(2);
        BindingInfo udp = bindings.get(0);
        assertThat(udp.getContact()).isEqualTo("sip:alice@192.0.2.10:5060");
        assertThat(udp.getExpires()).isEqualTo(500);
        assertThat(udp.getQ()).isEqualTo("0.5");
        assertThat(udp.isOutbound()).isFalse();
        assertThat(udp.getFlow()).isEqualTo("udp:192.0.2.10:5060");
        assertThat(udp.getSourceAddress()).isEqualTo("192.0.2.10:5060");
        assertThat(udp.getLocalAddress()).isEqualTo("198.51.100.1:5060");
        assertThat(udp.getUserAgent()).isEqualTo("Phone/1.0");
        assertThat(udp.getCallId()).isEqualTo("call-1@ua");
        assertThat(udp.getCseq()).isEqualTo(7);
        assertThat(udp.getPath()).containsExactly("<sip:edge.example.org;lr>");
        BindingInfo flow = bindings.get(1);
        assertThat(flow.isOutbound()).isTrue();
        assertThat(flow.getRegId()).isEqualTo(1);
        assertThat(flow.getInstance()).isEqualTo("<urn:uuid:00000000-0000-1000-8000-000a95a0e128>");
        assertThat(flow.getQ()).isNull();
        assertThat(flow.getFlow()).isEqualTo("tcp:[2001:db8::1]:40312");
    }

    @Test
    void counts_remove_one_binding_and_remove_all() {
        store(binding("sip:alice@192.0.2.10", 1000, null, null, null, null), binding("sip:alice@192.0.2.11", -1, null, null, null, null));
        assertThat(admin.getBindingCount()).isEqualTo(2);
        assertThat(admin.getAorCount()).isEqualTo(1);

        admin.removeBinding("alice@example.org", "SIP:alice@192.0.2.10");

        assertThat(admin.listBindings(AOR)).extracting(BindingInfo::getContact).containsExactly("sip:alice@192.0.2.11");
        assertThat(admin.getBindingCount()).isEqualTo(1);
        assertThatThrownBy(() -> admin.removeBinding(AOR, "sip:alice@192.0.2.10"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no binding of sip:alice@example.org to sip:alice@192.0.2.10");
        assertThat(admin.removeBindings(AOR)).isEqualTo(1);
        assertThat(admin.getAorCount()).isZero();
        assertThat(admin.listBindings(AOR)).isEmpty();
    }

    @Test
    void an_aor_that_is_no_aor_is_refused_with_a_reason() {
        assertThatThrownBy(() -> admin.listBindings("example.org")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an address-of-record");
        assertThatThrownBy(() -> admin.removeBindings("sip:@example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.removeBinding(AOR, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contact URI is required");
    }
}
