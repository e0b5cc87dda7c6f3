package org.sipcity.registrar.location;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** BindingChange.applyTo and the key comparisons it relies on, held to the key strings they stand in for. */
class BindingChangeTest {

    private static final String AOR = "sip:alice@example.org";
    private static final String UUID = "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";

    private static ContactBinding uri(String contact, String callId) {
        return new ContactBinding(AOR, contact, 1_000L, -1, callId, 1, List.of(), null, null, null, null, null, null);
    }

    private static ContactBinding flow(String contact, String instance, int regId, String callId) {
        return new ContactBinding(AOR, contact, 1_000L, -1, callId, 1, List.of(), InstanceId.of(instance), regId, null,
                null, null, null);
    }

    /** The rule as it was written before: a map by built key, in insertion order. */
    private static List<ContactBinding> byBuiltKeys(BindingChange change, List<ContactBinding> current) {
        Map<String, ContactBinding> byKey = new LinkedHashMap<>();
        if (!change.removeAll()) {
            current.forEach(binding -> byKey.put(binding.key(), binding));
        }
        change.removedKeys().forEach(byKey::remove);
        change.saved().forEach(binding -> byKey.put(binding.key(), binding));
        return List.copyOf(byKey.values());
    }

    private static List<ContactBinding> samples() {
        return List.of(uri("sip:alice@192.0.2.1", "a"), uri("sip:alice@192.0.2.1", "b"),
                uri("SIP:alice@HOST.example;ob", "c"), uri("sip:alice@host.example;ob", "d"),
                uri("sip:Alice@host.example;ob", "e"), uri("sip:alice@192.0.2.2:5070;transport=tcp", "f"),
                flow("sip:alice@192.0.2.1", UUID, 1, "g"), flow("sip:alice@192.0.2.9", UUID, 1, "h"),
                flow("sip:alice@192.0.2.1", UUID, 2, "i"), flow("sip:alice@192.0.2.1", "<urn:uuid:X>", 1, "j"),
                uri("sip:alice@192.0.2.1", "k"));
    }

    @Test
    void key_comparisons_agree_with_the_built_keys() {
        for (ContactBinding a : samples()) {
            for (ContactBinding b : samples()) {
                boolean same = a.key().equals(b.key());
                assertThat(a.hasSameKeyAs(b)).as("%s vs %s", a, b).isEqualTo(same);
                assertThat(a.hasKey(b.key())).as("%s has key of %s", a, b).isEqualTo(same);
                String instance = b.instanceId() == null ? null : b.instanceId().text();
                assertThat(a.hasKeyOf(b.contactUri(), instance, b.regId())).isEqualTo(same);
                assertThat(a.key().equals(ContactBinding.keyOf(b.contactUri(), instance, b.regId()))).isEqualTo(same);
            }
            assertThat(a.hasKey("uri:")).isFalse();
            assertThat(a.hasKey("")).isFalse();
        }
        // an instance id without reg-id names no flow: the Contact URI is the key
        assertThat(uri("sip:alice@192.0.2.1", "x").hasKeyOf("sip:alice@192.0.2.1", UUID, null)).isTrue();
    }

    @Test
    void a_refresh_replaces_the_binding_in_place() {
        ContactBinding phone = uri("sip:alice@192.0.2.1", "a");
        ContactBinding laptop = uri("sip:alice@192.0.2.2", "b");
        ContactBinding refreshed = uri("sip:alice@192.0.2.1", "c");
        List<ContactBinding> next = new BindingChange(AOR, List.of(refreshed), List.of(), false)
                .applyTo(List.of(phone, laptop));
        assertThat(next).containsExactly(refreshed, laptop);
    }

    @Test
    void a_removed_then_saved_key_goes_last_and_a_wildcard_clears_first() {
        ContactBinding phone = uri("sip:alice@192.0.2.1", "a");
        ContactBinding laptop = uri("sip:alice@192.0.2.2", "b");
        ContactBinding again = uri("sip:alice@192.0.2.1", "c");
        assertThat(new BindingChange(AOR, List.of(again), List.of(phone.key()), false).applyTo(List.of(phone, laptop)))
                .containsExactly(laptop, again);
        assertThat(new BindingChange(AOR, List.of(), List.of(phone.key(), laptop.key()), false)
                .applyTo(List.of(phone, laptop))).isEmpty();
        assertThat(new BindingChange(AOR, List.of(again), List.of(), true).applyTo(List.of(phone, laptop)))
                .containsExactly(again);
        assertThat(new BindingChange(AOR, List.of(), List.of(), false).applyTo(List.of())).isEmpty();
    }

    @Test
    void every_small_change_gives_what_the_map_of_built_keys_gave() {
        List<ContactBinding> all = samples();
        int checked = 0;
        for (int currentMask = 0; currentMask < 1 << 5; currentMask++) {
            List<ContactBinding> current = pick(all, currentMask, 0);
            for (int savedMask = 0; savedMask < 1 << 5; savedMask += 3) {
                List<ContactBinding> saved = pick(all, savedMask, 5);
                for (int removedMask = 0; removedMask < 1 << 4; removedMask += 5) {
                    List<String> removed = pick(all, removedMask, 3).stream().map(ContactBinding::key).toList();
                    for (boolean removeAll : new boolean[] {false, true}) {
                        BindingChange change = new BindingChange(AOR, saved, removed, removeAll);
                        assertThat(change.applyTo(current)).as("%s applied to %s", change, current)
                                .containsExactlyElementsOf(byBuiltKeys(change, current));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static List<ContactBinding> pick(List<ContactBinding> all, int mask, int from) {
        List<ContactBinding> picked = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if ((mask & 1 << i) != 0) {
                picked.add(all.get((i + from) % all.size()));
            }
        }
        return picked;
    }
}
