package org.sipcity.registrar.location;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactUrisTest {

    @Test
    void scheme_and_host_are_lowered_user_and_parameters_kept() {
        assertThat(ContactUris.canonical("SIP:Alice@Client.EXAMPLE.com;Transport=TCP?Subject=Hi"))
                .isEqualTo("sip:Alice@client.example.com;Transport=TCP?Subject=Hi");
        assertThat(ContactUris.canonical("sips:Bob@[2001:DB8::1]:5061")).isEqualTo("sips:Bob@[2001:db8::1]:5061");
        assertThat(ContactUris.canonical("sip:HOST.example.com:5060;ob")).isEqualTo("sip:host.example.com:5060;ob");
        assertThat(ContactUris.canonical("Tel:+1-201-555-0123")).isEqualTo("tel:+1-201-555-0123");
    }

    @Test
    void a_uri_already_in_canonical_form_is_returned_without_a_copy() {
        String uri = "sip:Alice@192.0.2.4:5060;transport=tcp;X=Y";
        assertThat(ContactUris.canonical(uri)).isSameAs(uri);
        String noColon = "not-a-uri";
        assertThat(ContactUris.canonical(noColon)).isSameAs(noColon);
    }

    @Test
    void non_ascii_host_letters_are_lowered_as_before() {
        assertThat(ContactUris.canonical("sip:u@ÄÖ.example")).isEqualTo("sip:u@äö.example");
        assertThat(ContactUris.canonical("sip:u@äö.example")).isEqualTo("sip:u@äö.example");
    }

    @Test
    void contacts_differing_only_in_host_case_share_a_binding_key() {
        assertThat(ContactBinding.keyOf("sip:alice@Host.Example;ob", null, null))
                .isEqualTo(ContactBinding.keyOf("sip:alice@host.example;ob", null, null));
        assertThat(ContactBinding.keyOf("sip:Alice@host.example", null, null))
                .isNotEqualTo(ContactBinding.keyOf("sip:alice@host.example", null, null));
    }
}
