package org.sipcity.registrar.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.registrar.registration.Registers.register;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.InMemoryLocationService;

/** Every rule of RFC 3261 §10.3, RFC 3327 Path and RFC 5626 registrar behaviour, one test each. */
class RegistrarTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final InMemoryLocationService locations = new InMemoryLocationService();
    private final Registrar registrar = new Registrar(RegistrarPolicy.forDomains(Set.of("example.org")), locations);

    private RegistrarOutcome send(Registers request) {
        RegisterRequest built = request.build();
        RegistrarOutcome refused = registrar.precheck(built);
        return refused != null ? refused : registrar.register(built, clock.instant());
    }

    private List<ContactBinding> bindings() {
        return locations.lookup("sip:alice@example.org", clock.instant());
    }

    @Nested
    class Step1And2DomainAndRequire {

        @Test
        void a_domain_we_do_not_serve_gets_404() {
            RegistrarOutcome outcome = send(register().domain("elsewhere.net").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(404);
            assertThat(bindings()).isEmpty();
        }

        @Test
        void an_unsupported_option_tag_in_require_gets_420_listing_it_in_unsupported() {
            RegistrarOutcome outcome = send(register().contact("sip:alice@192.0.2.10").require("path", "foo", "100rel"));
            assertThat(outcome.status()).isEqualTo(420);
            assertThat(outcome.header("Unsupported")).isEqualTo("foo, 100rel");
        }

        @Test
        void path_and_outbound_in_require_are_supported() {
            assertThat(send(register().contact("sip:alice@192.0.2.10").require("path", "outbound")).status())
                    .isEqualTo(200);
        }

        @Test
        void an_aor_outside_the_request_uri_domain_gets_404() {
            RegistrarOutcome outcome = send(register().aor("sip:alice@other.org").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(404);
        }
    }

    @Nested
    class Step6Contacts {

        @Test
        void a_new_contact_is_bound_for_the_default_interval_and_listed_with_its_expiry_and_a_date() {
            RegistrarOutcome outcome = send(register().contact("sip:alice@192.0.2.10:5060;transport=tcp"));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Contact"))
                    .containsExactly("<sip:alice@192.0.2.10:5060;transport=tcp>;expires=3600");
            assertThat(outcome.header("Date")).isEqualTo("Wed, 25 Nov 2026 12:00:00 GMT");
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
                assertThat(b.callId()).isEqualTo("call-1@192.0.2.10");
                assertThat(b.source().text()).isEqualTo("tcp:192.0.2.10:40000>198.51.100.1:5060");
                assertThat(b.flowToken()).isNull();
            });
        }

        @Test
        void the_expires_header_applies_to_contacts_without_their_own() {
            send(register().expires("600").contact("sip:alice@192.0.2.10"));
            assertThat(bindings()).singleElement().extracting(ContactBinding::expiresAt)
                    .isEqualTo(clock.instant().plusSeconds(600));
        }

        @Test
        void a_contact_expires_parameter_wins_over_the_expires_header() {
            RegistrarOutcome outcome = send(register().expires("600")
                    .contact(new ContactSpec("sip:alice@192.0.2.10", "1200", null, null, null))
                    .contact("sip:alice@192.0.2.11"));
            assertThat(outcome.headerValues("Contact")).containsExactlyInAnyOrder(
                    "<sip:alice@192.0.2.10>;expires=1200", "<sip:alice@192.0.2.11>;expires=600");
        }

        @Test
        void an_interval_below_min_expires_gets_423_with_min_expires_and_binds_nothing() {
            RegistrarOutcome outcome = send(register().contact("sip:alice@192.0.2.11")
                    .contact(new ContactSpec("sip:alice@192.0.2.10", "30", null, null, null)));
            assertThat(outcome.status()).isEqualTo(423);
            assertThat(outcome.header("Min-Expires")).isEqualTo("60");
            assertThat(bindings()).isEmpty();
        }

        @Test
        void an_interval_above_the_maximum_is_clamped() {
            RegistrarOutcome outcome = send(register().expires("86400").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10>;expires=7200");
        }

        @Test
        void an_oversized_delta_seconds_is_read_as_the_largest_and_clamped() {
            RegistrarOutcome outcome = send(register().expires("99999999999999999999").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10>;expires=7200");
        }

        @Test
        void expires_zero_removes_the_binding() {
            send(register().contact("sip:alice@192.0.2.10").contact("sip:alice@192.0.2.11"));
            RegistrarOutcome outcome = send(register().cseq(2)
                    .contact(new ContactSpec("sip:alice@192.0.2.10", "0", null, null, null)));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.11>;expires=3600");
            assertThat(bindings()).extracting(ContactBinding::contactUri).containsExactly("sip:alice@192.0.2.11");
        }

        @Test
        void contact_uris_match_with_case_insensitive_host_and_scheme() {
            send(register().contact("sip:alice@Host.Example.ORG"));
            send(register().cseq(2).contact("SIP:alice@host.example.org"));
            assertThat(bindings()).hasSize(1);
        }

        @Test
        void wildcard_with_expires_zero_removes_every_binding() {
            send(register().contact("sip:alice@192.0.2.10").contact("sip:alice@192.0.2.11"));
            RegistrarOutcome outcome = send(register().cseq(2).expires("0").contact(ContactSpec.wildcard()));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Contact")).isEmpty();
            assertThat(bindings()).isEmpty();
        }

        @Test
        void wildcard_without_expires_zero_gets_400() {
            assertThat(send(register().contact(ContactSpec.wildcard())).status()).isEqualTo(400);
            assertThat(send(register().expires("3600").contact(ContactSpec.wildcard())).status()).isEqualTo(400);
        }

        @Test
        void wildcard_with_another_contact_gets_400() {
            RegistrarOutcome outcome = send(register().expires("0").contact(ContactSpec.wildcard())
                    .contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(400);
            assertThat(outcome.reason()).contains("only Contact");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "1", "0.5", "0.123", "1.000", "0.", "1."})
        void valid_q_values_are_stored(String q) {
            RegistrarOutcome outcome = send(register().contact(new ContactSpec("sip:alice@192.0.2.10", null, q, null, null)));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(bindings()).singleElement().extracting(ContactBinding::qMillis)
                    .isEqualTo((int) Math.round(Double.parseDouble(q) * 1000));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.5", "2", "0.1234", "-0.5", "abc", "", ".5", "1.001"})
        void invalid_q_values_get_400(String q) {
            RegistrarOutcome outcome = send(register().contact(new ContactSpec("sip:alice@192.0.2.10", null, q, null, null)));
            assertThat(outcome.status()).isEqualTo(400);
            assertThat(outcome.reason()).contains("q-value");
            assertThat(bindings()).isEmpty();
        }

        @Test
        void q_is_echoed_in_the_listing() {
            RegistrarOutcome outcome = send(register().contact(new ContactSpec("sip:alice@192.0.2.10", null, "0.50", null, null)));
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10>;q=0.5;expires=3600");
        }

        @Test
        void a_malformed_expires_header_or_parameter_gets_400() {
            assertThat(send(register().expires("soon").contact("sip:alice@192.0.2.10")).status()).isEqualTo(400);
            assertThat(send(register().contact(new ContactSpec("sip:alice@192.0.2.10", "-1", null, null, null)))
                    .status()).isEqualTo(400);
        }
    }

    @Nested
    class Step7CallIdAndCSeq {

        @Test
        void the_same_call_id_with_a_higher_cseq_refreshes() {
            send(register().contact("sip:alice@192.0.2.10"));
            clock.advance(Duration.ofSeconds(100));
            RegistrarOutcome outcome = send(register().cseq(2).contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(bindings()).singleElement().extracting(ContactBinding::cseq).isEqualTo(2);
        }

        @ParameterizedTest
        @ValueSource(longs = {5, 4})
        void the_same_call_id_with_an_equal_or_lower_cseq_fails_with_500_and_changes_nothing(long cseq) {
            send(register().cseq(5).expires("600").contact("sip:alice@192.0.2.10"));
            RegistrarOutcome outcome = send(register().cseq(cseq).expires("1200").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(500);
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.cseq()).isEqualTo(5);
                assertThat(b.expiresAt()).isEqualTo(clock.instant().plusSeconds(600));
            });
        }

        @Test
        void a_retransmission_of_the_transaction_that_wrote_the_binding_gets_200_and_changes_nothing() {
            send(register().cseq(5).expires("600").branch("z9hG4bK-first").contact("sip:alice@192.0.2.10"));
            ContactBinding written = bindings().get(0);
            clock.advance(Duration.ofSeconds(20));   // a late copy: the transaction layer had released the original

            RegistrarOutcome again = send(register().cseq(5).expires("600").branch("z9hG4bK-first")
                    .contact("sip:alice@192.0.2.10"));

            assertThat(again.status()).isEqualTo(200);
            assertThat(again.headerValues("Contact")).singleElement().asString()
                    .contains("sip:alice@192.0.2.10").contains("expires=580");
            assertThat(bindings()).singleElement().isSameAs(written);   // not applied a second time
        }

        @Test
        void a_new_transaction_repeating_the_call_id_and_cseq_still_fails_with_500() {
            send(register().cseq(5).expires("600").branch("z9hG4bK-first").contact("sip:alice@192.0.2.10"));

            RegistrarOutcome repeated = send(register().cseq(5).expires("1200").branch("z9hG4bK-second")
                    .contact("sip:alice@192.0.2.10"));

            assertThat(repeated.status()).isEqualTo(500);
            assertThat(bindings()).singleElement().satisfies(b ->
                    assertThat(b.expiresAt()).isEqualTo(clock.instant().plusSeconds(600)));
        }

        @Test
        void a_request_without_a_magic_cookie_branch_cannot_be_told_from_a_new_transaction_and_fails_with_500() {
            send(register().cseq(5).branch("rfc2543-branch").contact("sip:alice@192.0.2.10"));
            assertThat(send(register().cseq(5).branch("rfc2543-branch").contact("sip:alice@192.0.2.10")).status())
                    .isEqualTo(500);
        }

        @Test
        void a_retransmission_of_a_request_refused_for_its_cseq_is_refused_again() {
            send(register().cseq(5).branch("z9hG4bK-first").contact("sip:alice@192.0.2.10"));
            RegistrarOutcome refused = send(register().cseq(5).branch("z9hG4bK-second").contact("sip:alice@192.0.2.10"));
            RegistrarOutcome again = send(register().cseq(5).branch("z9hG4bK-second").contact("sip:alice@192.0.2.10"));
            assertThat(refused.status()).isEqualTo(500);
            assertThat(again.status()).isEqualTo(500);
        }

        @Test
        void a_retransmitted_request_the_authenticator_recognised_is_answered_but_never_applied() {
            // The original added the binding; a later request of another Call-ID removed it. The copy's credentials
            // are the original's (same nonce-count, same transaction): it must not bring the binding back.
            send(register().cseq(5).branch("z9hG4bK-first").contact("sip:alice@192.0.2.10"));
            send(register().callId("other@192.0.2.10").expires("0").contact("sip:alice@192.0.2.10"));
            RegisterRequest copy = register().cseq(5).branch("z9hG4bK-first").contact("sip:alice@192.0.2.10").build();

            RegistrarOutcome outcome = registrar.register(copy, clock.instant(), true);

            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Contact")).isEmpty();
            assertThat(bindings()).isEmpty();
        }

        @Test
        void an_out_of_order_update_aborts_every_update_of_the_request() {
            send(register().cseq(5).contact("sip:alice@192.0.2.10"));
            RegistrarOutcome outcome = send(register().cseq(3).contact("sip:alice@192.0.2.11").contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(500);
            assertThat(bindings()).extracting(ContactBinding::contactUri).containsExactly("sip:alice@192.0.2.10");
        }

        @Test
        void a_refresh_keeps_the_stored_texts_and_flow_it_repeats_so_only_the_new_record_outlives_the_request() {
            send(register().contact("sip:alice@192.0.2.10"));
            ContactBinding first = bindings().get(0);
            // texts parsed from another message: equal, not the same objects
            send(register().callId(new String("call-1@192.0.2.10")).cseq(2).contact(new String("sip:alice@192.0.2.10")));
            ContactBinding refreshed = bindings().get(0);
            assertThat(refreshed).isNotSameAs(first);
            assertThat(refreshed.cseq()).isEqualTo(2L);
            assertThat(refreshed.contactUri()).isSameAs(first.contactUri());
            assertThat(refreshed.callId()).isSameAs(first.callId());
            assertThat(refreshed.source()).isSameAs(first.source());
        }

        @Test
        void a_refresh_with_other_texts_stores_the_new_ones() {
            send(register().contact("sip:alice@192.0.2.10"));
            send(register().callId("rebooted@192.0.2.10").contact("SIP:alice@192.0.2.10"));
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.contactUri()).isEqualTo("SIP:alice@192.0.2.10");   // the same binding, as now written
                assertThat(b.callId()).isEqualTo("rebooted@192.0.2.10");
            });
        }

        @Test
        void a_different_call_id_replaces_whatever_its_cseq() {
            send(register().cseq(5).contact("sip:alice@192.0.2.10"));
            RegistrarOutcome outcome = send(register().callId("rebooted@192.0.2.10").cseq(1).contact("sip:alice@192.0.2.10"));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(bindings()).singleElement().extracting(ContactBinding::callId).isEqualTo("rebooted@192.0.2.10");
        }

        @Test
        void a_wildcard_with_an_old_cseq_of_the_same_call_id_fails_and_removes_nothing() {
            send(register().cseq(5).contact("sip:alice@192.0.2.10"));
            assertThat(send(register().cseq(5).expires("0").contact(ContactSpec.wildcard())).status()).isEqualTo(500);
            assertThat(bindings()).hasSize(1);
        }
    }

    @Nested
    class Step8Listing {

        @Test
        void the_answer_lists_every_current_binding_with_its_remaining_expiry() {
            send(register().callId("a").contact("sip:alice@192.0.2.10"));
            clock.advance(Duration.ofSeconds(100));
            RegistrarOutcome outcome = send(register().callId("b").expires("600").contact("sip:alice@192.0.2.11"));
            assertThat(outcome.headerValues("Contact")).containsExactlyInAnyOrder(
                    "<sip:alice@192.0.2.10>;expires=3500", "<sip:alice@192.0.2.11>;expires=600");
            assertThat(outcome.bindings()).hasSize(2);
        }

        @Test
        void a_register_without_contact_fetches_the_bindings_and_changes_nothing() {
            send(register().contact("sip:alice@192.0.2.10"));
            clock.advance(Duration.ofSeconds(10));
            RegistrarOutcome outcome = send(register().cseq(2));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10>;expires=3590");
            assertThat(bindings()).singleElement().extracting(ContactBinding::cseq).isEqualTo(1);
        }

        @Test
        void expired_bindings_are_not_listed() {
            send(register().expires("60").contact("sip:alice@192.0.2.10"));
            clock.advance(Duration.ofSeconds(61));
            assertThat(send(register().cseq(2)).headerValues("Contact")).isEmpty();
        }
    }

    @Nested
    class Path {

        @Test
        void path_is_stored_and_not_echoed_to_a_ua_that_does_not_support_it() {
            RegistrarOutcome outcome = send(register().vias(2).path("<sip:edge1.example.org;lr>")
                    .contact("sip:alice@192.0.2.10"));
            assertThat(outcome.headerValues("Path")).isEmpty();
            assertThat(bindings()).singleElement().extracting(ContactBinding::path, InstanceOfAssertFactories.LIST)
                    .containsExactly("<sip:edge1.example.org;lr>");
        }

        @Test
        void path_is_stored_with_the_binding_and_returned() {
            RegistrarOutcome outcome = send(register().vias(2).supported("path").path("<sip:edge1.example.org;lr>", "<sip:edge2.example.org;lr>")
                    .contact("sip:alice@192.0.2.10"));
            assertThat(outcome.headerValues("Path"))
                    .containsExactly("<sip:edge1.example.org;lr>", "<sip:edge2.example.org;lr>");
            assertThat(bindings()).singleElement().extracting(ContactBinding::path, InstanceOfAssertFactories.LIST)
                    .containsExactly("<sip:edge1.example.org;lr>", "<sip:edge2.example.org;lr>");
        }
    }

    @Nested
    class Outbound {

        private static final String INSTANCE = "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";

        private ContactSpec flow(String uri, String regId) {
            return new ContactSpec(uri, null, null, INSTANCE, regId);
        }

        @Test
        void a_flow_registration_at_the_first_hop_gets_require_outbound_and_flow_timer() {
            RegistrarOutcome outcome = send(register().supported("outbound", "path").contact(flow("sip:alice@192.0.2.10;transport=tcp", "1")));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Require")).containsExactly("outbound");
            assertThat(outcome.header("Flow-Timer")).isEqualTo("120");
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10;transport=tcp>;+sip.instance=\""
                    + INSTANCE + "\";reg-id=1;expires=3600");
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.isOutboundFlow()).isTrue();
                assertThat(b.flowToken().text()).isEqualTo("tcp:192.0.2.10:40000>198.51.100.1:5060");
            });
        }

        @Test
        void a_newer_flow_of_the_same_instance_and_reg_id_replaces_the_older_whatever_its_contact() {
            send(register().contact(flow("sip:alice@192.0.2.10:40000;transport=tcp", "1")));
            RegistrarOutcome outcome = send(register().callId("call-2").flow(
                    new FlowAddress("tcp", "203.0.113.7", 51000, "198.51.100.1", 5060)).contact(flow("sip:alice@203.0.113.7:51000;transport=tcp", "1")));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.contactUri()).isEqualTo("sip:alice@203.0.113.7:51000;transport=tcp");
                assertThat(b.flowToken().text()).isEqualTo("tcp:203.0.113.7:51000>198.51.100.1:5060");
            });
        }

        /**
         * RFC 5626 §4.1: any URN may name the instance. A lower-case UUID URN is kept as two longs, anything else as
         * its text; either way the 200 gives it back as registered, and a refresh of the same instance and reg-id
         * replaces its binding.
         */
        @ParameterizedTest
        @ValueSource(strings = {"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>", INSTANCE,
            "<urn:gsma:imei:35209900-176148-1>", "<urn:example:phone-7>"})
        void the_instance_is_given_back_as_registered_and_names_the_flow(String instance) {
            ContactSpec contact = new ContactSpec("sip:alice@192.0.2.10;transport=tcp", null, null, instance, "1");
            RegistrarOutcome outcome = send(register().contact(contact));
            assertThat(outcome.headerValues("Contact")).containsExactly("<sip:alice@192.0.2.10;transport=tcp>"
                    + ";+sip.instance=\"" + instance + "\";reg-id=1;expires=3600");
            ContactSpec moved = new ContactSpec("sip:alice@192.0.2.99;transport=tcp", null, null,
                    new String(instance), "1");
            assertThat(send(register().cseq(2).contact(moved)).status()).isEqualTo(200);
            assertThat(bindings()).singleElement().satisfies(b -> {
                assertThat(b.contactUri()).isEqualTo("sip:alice@192.0.2.99;transport=tcp");
                assertThat(b.instanceId().text()).isEqualTo(instance);
            });
        }

        @Test
        void a_second_reg_id_of_the_same_instance_is_a_second_flow() {
            send(register().contact(flow("sip:alice@192.0.2.10;transport=tcp", "1")));
            send(register().cseq(2).contact(flow("sip:alice@192.0.2.10;transport=tcp", "2")));
            assertThat(bindings()).extracting(ContactBinding::regId).containsExactlyInAnyOrder(1, 2);
        }

        @Test
        void reg_id_without_instance_is_ignored() {
            RegistrarOutcome outcome = send(register().contact(new ContactSpec("sip:alice@192.0.2.10", null, null, null, "1")));
            assertThat(outcome.headerValues("Require")).isEmpty();
            assertThat(bindings()).singleElement().extracting(ContactBinding::isOutboundFlow).isEqualTo(false);
        }

        @Test
        void behind_a_proxy_without_ob_in_path_reg_id_is_ignored() {
            RegistrarOutcome outcome = send(register().vias(2).path("<sip:edge.example.org;lr>")
                    .contact(flow("sip:alice@192.0.2.10", "1")));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Require")).isEmpty();
            assertThat(bindings()).singleElement().extracting(ContactBinding::regId).isNull();
        }

        @Test
        void behind_a_proxy_without_ob_a_ua_supporting_outbound_gets_439() {
            RegistrarOutcome outcome = send(register().vias(2).supported("outbound").path("<sip:edge.example.org;lr>")
                    .contact(flow("sip:alice@192.0.2.10", "1")));
            assertThat(outcome.status()).isEqualTo(439);
        }

        @Test
        void behind_an_edge_proxy_with_ob_in_path_the_flow_is_registered() {
            RegistrarOutcome outcome = send(register().vias(2).supported("outbound").path("<sip:edge.example.org;lr;ob>")
                    .contact(flow("sip:alice@192.0.2.10", "1")));
            assertThat(outcome.status()).isEqualTo(200);
            assertThat(outcome.headerValues("Require")).containsExactly("outbound");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "x", "2147483648"})
        void a_malformed_reg_id_gets_400(String regId) {
            assertThat(send(register().contact(flow("sip:alice@192.0.2.10", regId))).status()).isEqualTo(400);
        }
    }
}
