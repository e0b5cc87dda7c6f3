package org.sipcity.registrar.location;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstanceIdTest {

    @Test
    void a_lower_case_uuid_urn_is_kept_as_two_longs_and_given_back_as_registered() {
        for (int i = 0; i < 1000; i++) {
            String text = "<urn:uuid:" + UUID.randomUUID() + ">";
            InstanceId id = InstanceId.of(text);
            assertThat(id.isCompact()).as(text).isTrue();
            assertThat(id.text()).isEqualTo(text);
            assertThat(id.toString()).isEqualTo(text);
        }
    }

    @Test
    void the_extreme_uuids_round_trip() {
        for (String text : new String[] {"<urn:uuid:00000000-0000-0000-0000-000000000000>",
                "<urn:uuid:ffffffff-ffff-ffff-ffff-ffffffffffff>", "<urn:uuid:80000000-0000-0000-8000-000000000001>"}) {
            InstanceId id = InstanceId.of(text);
            assertThat(id.isCompact()).isTrue();
            assertThat(id.text()).isEqualTo(text);
        }
    }

    /** RFC 5626 §4.1 allows any URN; a value not in the compact form is kept exactly as given. */
    @ParameterizedTest
    @ValueSource(strings = {
        "<urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>", // upper-case hex: kept as sent, not lowered
        "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf>", // one digit short
        "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6x>", // one character too many
        "<urn:uuid:f81d4fae+7dec-11d0-a765-00a0c91e6bf6>", // not a dash where the UUID has one
        "<urn:uuid:g81d4fae-7dec-11d0-a765-00a0c91e6bf6>", // not hex
        "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6)", // no closing bracket
        "<URN:UUID:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>", // the prefix in another case
        "<urn:gsma:imei:35209900-176148-1>", // RFC 7255 IMEI URN
        "<urn:uuid:a>", "", "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"})
    void any_other_value_is_kept_as_text(String text) {
        InstanceId id = InstanceId.of(text);
        assertThat(id.isCompact()).isFalse();
        assertThat(id.text()).isSameAs(text);
    }

    @Test
    void equal_values_are_equal_whichever_way_they_are_kept() {
        String uuid = "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";
        assertThat(InstanceId.of(uuid)).isEqualTo(InstanceId.of(new String(uuid)))
                .hasSameHashCodeAs(InstanceId.of(new String(uuid)));
        assertThat(InstanceId.of("<urn:gsma:imei:35209900-176148-1>"))
                .isEqualTo(InstanceId.of("<urn:gsma:imei:35209900-176148-1>"));
        assertThat(InstanceId.of(uuid)).isNotEqualTo(InstanceId.of("<urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>"))
                .isNotEqualTo(InstanceId.of("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf7>"));
    }

    @Test
    void a_binding_key_is_the_same_text_whichever_way_its_instance_is_kept() {
        for (String text : new String[] {"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>",
                "<urn:gsma:imei:35209900-176148-1>"}) {
            ContactBinding binding = new ContactBinding("sip:alice@example.org", "sip:alice@192.0.2.10", 0L, -1, "c",
                    1, List.of(), InstanceId.of(text), 1, null, null, null, null);
            assertThat(binding.key()).isEqualTo(ContactBinding.keyOf("sip:alice@192.0.2.10", text, 1))
                    .isEqualTo("flow:" + text + ";1");
            assertThat(InstanceId.of(text).appendTo(new StringBuilder("x")).toString()).isEqualTo("x" + text);
        }
    }

    @Test
    void null_stays_null() {
        assertThat(InstanceId.of(null)).isNull();
    }
}
