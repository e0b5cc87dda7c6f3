package org.sipcity.registrar.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.BindingVersions;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.location.InstanceId;
import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.location.LocationService;
import org.sipcity.registrar.location.jpa.Binding;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.location.jpa.RefreshDeferral;
import org.sipcity.registrar.location.jpa.Transactions;
import org.sipcity.registrar.registration.ContactSpec;
import org.sipcity.registrar.registration.MutableClock;
import org.sipcity.registrar.registration.RegisterRequest;
import org.sipcity.registrar.registration.Registrar;
import org.sipcity.registrar.registration.RegistrarPolicy;

/** The JPA location service against one real database. */
public abstract class LocationServiceContract extends DatabaseTestBase {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String AOR = "sip:alice@example.org";

    static ContactBinding binding(String aor, String contact, Instant expiresAt) {
        return new ContactBinding(aor, contact, expiresAt, -1, "call-1", 1, List.of(), null, null, null, null, null);
    }

    private static BindingChange save(ContactBinding... bindings) {
        return new BindingChange(bindings[0].aor(), List.of(bindings), List.of(), false);
    }

    /** The stored rows' ids by contact URI: an UPDATE keeps a row's id, a delete and an insert do not. */
    private Map<String, Long> storedIds(String aor) {
        return Transactions.read(factory, em -> em.createQuery("select b from Binding b where b.aor = :aor", Binding.class)
                .setParameter("aor", aor).getResultList().stream()
                .collect(Collectors.toMap(Binding::getContactUri, Binding::getId)));
    }

    private List<ContactBinding> fromDatabase(String aor) {
        // a fresh service has an empty table: what it sees comes from the database
        return JpaLocationService.writeThrough(factory).lookup(aor, NOW);
    }

    private JpaLocationService writeBack() {
        return JpaLocationService.writeBack(factory, Duration.ofHours(1), 10_000);
    }

    /** Saves sip:uN@example.org for N in [from, to), one binding each, all expiring at expiresAt. */
    private static void saveNumberedUsers(JpaLocationService service, int from, int to, Instant expiresAt) {
        for (int i = from; i < to; i++) {
            service.apply(save(numberedUser(i, expiresAt)));
        }
    }

    private static ContactBinding numberedUser(int n, Instant expiresAt) {
        return binding("sip:u" + n + "@example.org", "sip:u@192.0.2.1", expiresAt);
    }

    /** A User-Agent over its column's 255 characters: accepted in memory, refused by the database. */
    private static ContactBinding withUnstorableUserAgent(String aor, String contact, Instant expiresAt, long cseq) {
        return new ContactBinding(aor, contact, expiresAt, -1, "call-1", cseq, List.of(), null, null, null, null,
                "x".repeat(300));
    }

    @Test
    void write_through_commits_before_returning_and_every_field_round_trips() {
        ContactBinding full = new ContactBinding(AOR, "sip:alice@192.0.2.10:5060;transport=tcp", NOW.plusSeconds(3600),
                500, "call-9@host", 42, List.of("<sip:edge1.example.org;lr;ob>", "<sip:edge2.example.org;lr>"),
                InstanceId.of("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"), 1,
                FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"),
                FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), "baresip v3");
        JpaLocationService.writeThrough(factory).apply(save(full));
        assertThat(fromDatabase(AOR)).containsExactly(full);
    }

    @Test
    void a_uuid_instance_kept_as_two_longs_is_stored_and_read_back_as_registered() {
        ContactBinding uuid = flow(AOR, "sip:alice@192.0.2.10;transport=tcp",
                "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
        JpaLocationService.writeThrough(factory).apply(save(uuid));
        assertThat(fromDatabase(AOR)).containsExactly(uuid);
        assertThat(fromDatabase(AOR).get(0).instanceId().text())
                .isEqualTo("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
        String stored = Transactions.read(factory, em -> em.createQuery("select b.instanceId from Binding b",
                String.class).getSingleResult());
        assertThat(stored).isEqualTo("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
    }

    @Test
    void a_binding_is_replaced_by_key_and_removed_by_key() {
        JpaLocationService service = JpaLocationService.writeThrough(factory);
        ContactBinding first = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding other = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        service.apply(save(first, other));
        ContactBinding refreshed = new ContactBinding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(1200), -1, "call-1",
                2, List.of(), null, null, null, null, null);
        service.apply(save(refreshed));
        assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(refreshed, other);
        service.apply(new BindingChange(AOR, List.of(), List.of(other.key()), false));
        assertThat(fromDatabase(AOR)).containsExactly(refreshed);
        assertThat(service.lookup(AOR, NOW)).containsExactly(refreshed);
    }

    @Test
    void remove_all_empties_one_aor_only() {
        JpaLocationService service = JpaLocationService.writeThrough(factory);
        service.apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600)),
                binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600))));
        service.apply(save(binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(600))));
        service.removeAll(AOR);
        assertThat(fromDatabase(AOR)).isEmpty();
        assertThat(service.lookup(AOR, NOW)).isEmpty();
        assertThat(service.count()).isEqualTo(1);
    }

    @Test
    void lookups_are_answered_from_memory_once_loaded() {
        JpaLocationService service = JpaLocationService.writeThrough(factory);
        service.apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600))));
        assertThat(service.lookup(AOR, NOW)).hasSize(1);
        // rows vanish behind the service's back: the hot path does not notice, because it does not ask the database
        Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
        assertThat(service.lookup(AOR, NOW)).hasSize(1);
        assertThat(fromDatabase(AOR)).isEmpty();
    }

    @Test
    void an_aor_unknown_to_memory_is_loaded_from_the_database_once() {
        JpaLocationService.writeThrough(factory).apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600))));
        JpaLocationService restarted = JpaLocationService.writeThrough(factory);
        assertThat(restarted.lookup(AOR, NOW)).hasSize(1);
        assertThat(restarted.lookup(AOR, NOW.plusSeconds(601))).isEmpty();
    }

    @Test
    void totals_count_unexpired_bindings_and_their_aors_including_changes_not_yet_written_back() {
        JpaLocationService.writeThrough(factory).apply(save(binding("sip:carol@example.org", "sip:carol@192.0.2.30",
                NOW.minusSeconds(1))));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600)),
                    binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600))));
            service.apply(save(binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(600))));

            LocationService.Totals totals = service.totals(NOW);

            assertThat(totals.bindings()).isEqualTo(3);
            assertThat(totals.addressesOfRecord()).as("carol's binding expired").isEqualTo(2);
            assertThat(service.dirtyCount()).as("written to be counted").isZero();
        }
    }

    @Test
    void write_back_shows_changes_at_once_and_stores_them_at_the_flush() {
        try (JpaLocationService service = writeBack()) {
            service.apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600))));
            assertThat(service.lookup(AOR, NOW)).hasSize(1);
            assertThat(service.dirtyCount()).isEqualTo(1);
            assertThat(fromDatabase(AOR)).isEmpty();
            service.flush();
            assertThat(service.dirtyCount()).isZero();
            assertThat(fromDatabase(AOR)).hasSize(1);
        }
    }

    @Test
    void write_back_coalesces_refreshes_of_one_aor_into_one_write_of_the_latest_state() {
        try (JpaLocationService service = writeBack()) {
            for (int cseq = 1; cseq <= 20; cseq++) {
                service.apply(save(new ContactBinding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600 + cseq), -1,
                        "call-1", cseq, List.of(), null, null, null, null, null)));
            }
            service.apply(new BindingChange("sip:bob@example.org", List.of(), List.of(), true));
            assertThat(service.dirtyCount()).isEqualTo(2);
            service.flush();
            assertThat(fromDatabase(AOR)).singleElement().extracting(ContactBinding::cseq).isEqualTo(20);
        }
    }

    @Test
    void write_back_rewrites_an_aor_already_stored_whose_bindings_kept_their_keys() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone, laptop));
            service.flush();
            // two refreshes of the phone within one interval, the laptop replaced by a binding of the same key
            service.apply(save(refreshed(phone, 2, 900)));
            ContactBinding phoneNow = refreshed(phone, 3, 1200);
            service.apply(save(phoneNow));
            ContactBinding laptopNow = new ContactBinding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(3600), 700,
                    "call-other", 1, List.of("<sip:edge.example.org;lr>"), null, null, null, null, "laptop");
            service.apply(save(laptopNow));
            service.flush();
            assertThat(service.dirtyCount()).as("the flush wrote everything").isZero();
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phoneNow, laptopNow);
        }
    }

    @Test
    void a_write_back_refresh_updates_the_stored_row_in_place() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
            service.flush();
            Map<String, Long> before = storedIds(AOR);
            ContactBinding phoneNow = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(1200), 500, "call-2", 7,
                    List.of(), null, null, null, FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), "phone v2");
            service.apply(save(phoneNow));
            service.flush();
            assertThat(storedIds(AOR)).as("the same row, updated (a delete and insert would give a new id)")
                    .isEqualTo(before);
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
        }
    }

    @Test
    void a_write_back_removal_deletes_that_row_and_leaves_the_others_untouched() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone, laptop));
            service.flush();
            Map<String, Long> before = storedIds(AOR);
            service.apply(new BindingChange(AOR, List.of(), List.of(laptop.key()), false));
            service.flush();
            assertThat(storedIds(AOR)).containsExactly(Map.entry(phone.contactUri(), before.get(phone.contactUri())));
            assertThat(fromDatabase(AOR)).containsExactly(phone);
        }
    }

    @Test
    void one_flush_updates_inserts_and_deletes_across_aors() {
        String bob = "sip:bob@example.org";
        String carol = "sip:carol@example.org";
        String dave = "sip:dave@example.org";
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        ContactBinding desk = binding(bob, "sip:bob@192.0.2.20", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone, laptop));
            service.apply(save(desk));
            service.apply(save(binding(carol, "sip:carol@192.0.2.30", NOW.plusSeconds(600))));
            service.flush();
            Map<String, Long> alice = storedIds(AOR);
            Map<String, Long> bobs = storedIds(bob);

            // alice: phone refreshed, laptop removed, tablet added; bob: the same binding again; carol: Contact: *;
            // dave: a first registration
            ContactBinding phoneNow = refreshed(phone, 2, 900);
            ContactBinding tablet = binding(AOR, "sip:alice@192.0.2.12", NOW.plusSeconds(600));
            service.apply(new BindingChange(AOR, List.of(phoneNow, tablet), List.of(laptop.key()), false));
            service.apply(save(desk));
            service.removeAll(carol);
            ContactBinding daves = binding(dave, "sip:dave@192.0.2.40", NOW.plusSeconds(600));
            service.apply(save(daves));
            service.flush();

            assertThat(service.failedFlushes()).isZero();
            assertThat(service.dirtyCount()).isZero();
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phoneNow, tablet);
            Map<String, Long> aliceNow = storedIds(AOR);
            assertThat(aliceNow.get(phone.contactUri())).as("phone updated in place").isEqualTo(alice.get(phone.contactUri()));
            assertThat(aliceNow.get(tablet.contactUri())).as("tablet inserted").isNotIn(alice.values());
            assertThat(storedIds(bob)).isEqualTo(bobs);
            assertThat(fromDatabase(bob)).containsExactly(desk);
            assertThat(fromDatabase(carol)).isEmpty();
            assertThat(fromDatabase(dave)).containsExactly(daves);
            assertThat(service.count()).isEqualTo(4);
        }
    }

    @Test
    void a_refresh_the_database_refuses_keeps_the_stored_row_and_only_its_aor_dirty() {
        String longAor = "sip:long@example.org";
        ContactBinding stored = binding(longAor, "sip:long@192.0.2.9", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(stored));
            saveNumberedUsers(service, 0, 5, NOW.plusSeconds(600));
            service.flush();
            // every AOR refreshed; the long one with a User-Agent over its column's 255 characters (an UPDATE refused)
            ContactBinding refused = withUnstorableUserAgent(longAor, stored.contactUri(), NOW.plusSeconds(900), 2);
            service.apply(save(refused));
            for (int i = 0; i < 5; i++) {
                service.apply(save(refreshed(numberedUser(i, NOW), 2, 900)));
            }

            assertThatThrownBy(service::flush).isInstanceOf(LocationException.class)
                    .hasMessageContaining("1 of 6 dirty AORs not written [" + longAor + "]");

            assertThat(fromDatabase(longAor)).as("the stored row as it was").containsExactly(stored);
            assertThat(fromDatabase("sip:u3@example.org")).singleElement().extracting(ContactBinding::cseq)
                    .isEqualTo(2);
            assertThat(service.dirtyCount()).isEqualTo(1);
            assertThat(service.lookup(longAor, NOW)).containsExactly(refused);
            // refreshed again with a storable User-Agent: the next flush updates the row
            ContactBinding fixed = refreshed(stored, 3, 1200);
            service.apply(save(fixed));
            service.flush();
            assertThat(service.dirtyCount()).isZero();
            assertThat(fromDatabase(longAor)).containsExactly(fixed);
        }
    }

    @Test
    void a_refresh_after_a_flush_writes_only_its_own_columns_to_the_row_it_knows() {
        ContactBinding phone = new ContactBinding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600), 500, "call-1", 1,
                List.of("<sip:edge.example.org;lr>"), null, null, null,
                FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), "phone v1");
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
            service.flush();
            Map<String, Long> before = storedIds(AOR);
            // A column a refresh does not set, changed behind the service's back: the flush neither reads the row
            // again nor rewrites that column.
            int changed = Transactions.inTransaction(factory, em -> em.createNativeQuery(
                    "update sip_binding set user_agent = 'changed elsewhere'").executeUpdate());
            assertThat(changed).isEqualTo(1);
            ContactBinding phoneNow = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(1200), 500, "call-2",
                    7, phone.path(), null, null, null, phone.source(), "phone v1");
            service.apply(save(phoneNow));
            service.flush();
            assertThat(storedIds(AOR)).as("the same row").isEqualTo(before);
            ContactBinding stored = fromDatabase(AOR).get(0);
            assertThat(stored.expiresAtMillis()).isEqualTo(phoneNow.expiresAtMillis());
            assertThat(stored.callId()).isEqualTo("call-2");
            assertThat(stored.cseq()).isEqualTo(7);
            assertThat(stored.userAgent()).as("a refresh updates its own columns only").isEqualTo("changed elsewhere");

            // a refresh over a new connection is a refresh: the same UPDATE writes the connection
            ContactBinding reconnected = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(1300), 500,
                    "call-2", 8, phone.path(), null, null, null,
                    FlowToken.of("tcp:192.0.2.10:40001>198.51.100.1:5060"), "phone v1");
            service.apply(save(reconnected));
            service.flush();
            assertThat(storedIds(AOR)).isEqualTo(before);
            stored = fromDatabase(AOR).get(0);
            assertThat(stored.source()).isEqualTo(reconnected.source());
            assertThat(stored.cseq()).isEqualTo(8);
            assertThat(stored.userAgent()).isEqualTo("changed elsewhere");

            // any other change rewrites the whole row (still in place)
            ContactBinding moved = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(1800), 500, "call-2", 9,
                    List.of(), null, null, null, FlowToken.of("tcp:192.0.2.10:40002>198.51.100.1:5060"), "phone v1");
            service.apply(save(moved));
            service.flush();
            assertThat(storedIds(AOR)).isEqualTo(before);
            assertThat(fromDatabase(AOR)).containsExactly(moved);
        }
    }

    @Test
    void a_binding_reaped_from_memory_and_database_and_registered_again_is_inserted_again() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(60));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone, laptop));
            service.flush();
            Long laptopId = storedIds(AOR).get(laptop.contactUri());
            assertThat(service.reapExpired(NOW.plusSeconds(120), 100)).isEqualTo(1);
            assertThat(storedIds(AOR)).containsOnlyKeys(laptop.contactUri());
            // the same key again, and the laptop refreshed: the phone's old row is gone, so it must be inserted
            ContactBinding phoneAgain = refreshed(phone, 2, 900);
            ContactBinding laptopNow = refreshed(laptop, 2, 900);
            service.apply(save(phoneAgain, laptopNow));
            service.flush();
            assertThat(service.failedFlushes()).isZero();
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phoneAgain, laptopNow);
            assertThat(storedIds(AOR).get(laptop.contactUri())).isEqualTo(laptopId);
            // and then it is known again: a removal deletes its new row
            service.apply(new BindingChange(AOR, List.of(), List.of(phone.key()), false));
            service.flush();
            assertThat(fromDatabase(AOR)).containsExactly(laptopNow);
        }
    }

    @Test
    void a_row_deleted_behind_the_flushers_back_is_written_again_by_the_next_refresh() {
        // Not something the service allows (it is the only writer of its rows), but a lost row must not stay lost:
        // the UPDATE by id finds no row, and the binding is inserted instead.
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
            service.flush();
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
            ContactBinding phoneNow = refreshed(phone, 2, 900);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(service.failedFlushes()).isZero();
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
        }
    }

    @Test
    void a_refresh_with_a_call_id_the_database_refuses_leaves_its_aor_dirty_and_the_next_flush_reads_its_rows() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
            saveNumberedUsers(service, 0, 3, NOW.plusSeconds(600));
            service.flush();
            Map<String, Long> before = storedIds(AOR);
            // a refresh (only expiry, Call-ID and CSeq change) whose Call-ID is over its column's 255 characters
            ContactBinding refused = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(900), -1,
                    "c".repeat(300), 2, List.of(), null, null, null, null, null);
            service.apply(save(refused));
            for (int i = 0; i < 3; i++) {
                service.apply(save(refreshed(numberedUser(i, NOW), 2, 900)));
            }

            assertThatThrownBy(service::flush).isInstanceOf(LocationException.class)
                    .hasMessageContaining("1 of 4 dirty AORs not written [" + AOR + "]");

            assertThat(fromDatabase(AOR)).containsExactly(phone);
            assertThat(fromDatabase("sip:u2@example.org")).singleElement().extracting(ContactBinding::cseq)
                    .isEqualTo(2);
            ContactBinding fixed = refreshed(phone, 3, 1200);
            service.apply(save(fixed));
            service.flush();
            assertThat(service.dirtyCount()).isZero();
            assertThat(fromDatabase(AOR)).containsExactly(fixed);
            assertThat(storedIds(AOR)).as("updated in place after reading the row").isEqualTo(before);
        }
    }

    @Test
    void after_many_flushes_of_every_kind_of_change_a_restart_preloads_exactly_what_memory_held() {
        String bob = "sip:bob@example.org";
        String carol = "sip:carol@example.org";
        List<String> aors = List.of(AOR, bob, carol, "sip:u0@example.org", "sip:u1@example.org");
        Map<String, List<ContactBinding>> memory = new java.util.HashMap<>();
        try (JpaLocationService service = writeBack()) {
            ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
            ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
            ContactBinding bobFlow = flow(bob, "sip:bob@192.0.2.20;transport=tcp", "<urn:uuid:b>");
            service.apply(save(phone, laptop));
            service.apply(save(bobFlow));
            saveNumberedUsers(service, 0, 2, NOW.plusSeconds(600));
            service.flush();
            for (int round = 2; round <= 6; round++) {
                // alice: the phone refreshed every round, the laptop's Path changes, a tablet comes and goes
                service.apply(save(refreshed(phone, round, 600 + round)));
                service.apply(save(new ContactBinding(AOR, laptop.contactUri(), NOW.plusSeconds(700), -1,
                        "call-" + round, round, List.of("<sip:edge" + round + ".example.org;lr>"), null, null, null,
                        null, "laptop")));
                ContactBinding tablet = binding(AOR, "sip:alice@192.0.2.12", NOW.plusSeconds(600));
                service.apply(round % 2 == 0 ? save(tablet)
                        : new BindingChange(AOR, List.of(), List.of(tablet.key()), false));
                // bob's flow registered again over another contact (same instance and reg-id: the same key)
                service.apply(save(new ContactBinding(bob, "sip:bob@192.0.2.2" + round + ";transport=tcp",
                        NOW.plusSeconds(600), -1, "call-b", round, List.of(), bobFlow.instanceId(), 1,
                        bobFlow.flowToken(), bobFlow.source(), null)));
                // carol registers, then leaves with Contact: *, then registers again
                if (round % 3 == 0) {
                    service.removeAll(carol);
                } else {
                    service.apply(save(binding(carol, "sip:carol@192.0.2.3" + round, NOW.plusSeconds(600))));
                }
                service.apply(save(refreshed(numberedUser(round % 2, NOW), round, 600)));
                service.flush();
                assertThat(service.failedFlushes()).isZero();
                for (String aor : aors) {
                    assertThat(fromDatabase(aor)).as(aor + " after round " + round)
                            .containsExactlyInAnyOrderElementsOf(service.lookup(aor, NOW));
                }
            }
            aors.forEach(aor -> memory.put(aor, service.lookup(aor, NOW)));
        }
        try (JpaLocationService restarted = writeBack()) {
            for (String aor : aors) {
                assertThat(restarted.lookup(aor, NOW)).as(aor).containsExactlyInAnyOrderElementsOf(memory.get(aor));
            }
            // the restarted service knows the rows it preloaded: refreshing and removing writes them correctly
            for (ContactBinding binding : memory.get(AOR)) {
                restarted.apply(save(refreshed(binding, 99, 3600)));
            }
            restarted.removeAll(bob);
            restarted.flush();
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrderElementsOf(restarted.lookup(AOR, NOW))
                    .allSatisfy(b -> assertThat(b.cseq()).isEqualTo(99));
            assertThat(fromDatabase(bob)).isEmpty();
            assertThat(restarted.count()).isEqualTo(memory.get(AOR).size() + memory.get(carol).size() + 2);
        }
    }

    @Test
    void a_row_stored_under_another_key_is_replaced_when_its_aor_is_written_next() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
        }
        // as if written by a version that hashed keys differently
        String odd = "A".repeat(43);
        Transactions.inTransaction(factory, em -> em.createNativeQuery("update sip_binding set binding_key = '" + odd
                + "'").executeUpdate());
        try (JpaLocationService restarted = writeBack()) {
            assertThat(restarted.lookup(AOR, NOW)).containsExactly(phone);
            ContactBinding phoneNow = refreshed(phone, 2, 900);
            restarted.apply(save(phoneNow));
            restarted.flush();
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
            List<String> keys = Transactions.read(factory, em -> em.createQuery("select b.bindingKey from Binding b",
                    String.class).getResultList());
            assertThat(keys).singleElement().isNotEqualTo(odd);
        }
    }

    @Test
    void a_refreshed_binding_whose_stored_row_expired_before_its_flush_is_rewritten_by_the_reaper_not_deleted() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(60));
        ContactBinding bob = binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(60));
        try (JpaLocationService service = writeBack()) {
            service.apply(save(phone));
            service.apply(save(bob));
            service.flush();
            Map<String, Long> before = storedIds(AOR);
            ContactBinding phoneNow = refreshed(phone, 2, 3600);
            service.apply(save(phoneNow));
            // the refresh is not written yet, so the stored row has expired by then; its binding lives in memory: the
            // reaper writes the row instead of deleting it, and deletes only bob's, whose binding expired: two rows
            // handled
            assertThat(service.reapExpired(NOW.plusSeconds(120), 100)).isEqualTo(2);
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
            assertThat(storedIds(AOR)).as("the same row").isEqualTo(before);
            assertThat(fromDatabase("sip:bob@example.org")).isEmpty();
            assertThat(service.lookup(AOR, NOW.plusSeconds(120))).containsExactly(phoneNow);
            service.flush();
            assertThat(service.failedFlushes()).isZero();
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
        }
    }

    // Deferred refreshes (write-back, RefreshDeferral): a lag of 25% with a 1 s flush interval looks 10 s ahead and
    // keeps 30 s of guard. The services' flushers run hourly: every flush below is the test's own, at its clock's time.

    private static final int LAG = 25;

    private JpaLocationService deferring(MutableClock clock) {
        return JpaLocationService.writeBack(factory, Duration.ofHours(1), 10_000,
                new RefreshDeferral(LAG, Duration.ofSeconds(1), clock));
    }

    private Binding storedRow(String aor) {
        return Transactions.read(factory, em -> em.createQuery("select b from Binding b where b.aor = :aor",
                Binding.class).setParameter("aor", aor).getSingleResult());
    }

    @Test
    void a_refresh_whose_row_keeps_enough_life_is_written_only_when_the_row_would_fall_behind() {
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.flush();
            long id = storedRow(AOR).getId();

            clock.advance(Duration.ofSeconds(60));
            ContactBinding phoneNow = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(3660), -1, "call-2", 2,
                    List.of(), null, null, null, null, null);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(service.dirtyCount()).isZero();
            assertThat(service.lookup(AOR, clock.instant())).containsExactly(phoneNow);
            Binding row = storedRow(AOR);
            assertThat(row.getExpiresAt()).as("not written: the row keeps 3,540 of the binding's 3,600 s")
                    .isEqualTo(phone.expiresAtMillis());
            assertThat(row.getCseq()).isEqualTo(1);
            assertThat(row.getCallId()).isEqualTo("call-1");

            // no REGISTER comes: the row must keep 75% of the binding's remaining life, seen 10 s ahead. At 3,400 s
            // it does (190 s left of the row's, 250 of the binding's, at 3,410), at 3,415 s no more (175 < 0.75 x 235)
            clock.advance(Duration.ofSeconds(3400 - 60));
            service.flush();
            assertThat(storedRow(AOR).getExpiresAt()).isEqualTo(phone.expiresAtMillis());
            clock.advance(Duration.ofSeconds(15));
            service.flush();
            row = storedRow(AOR);
            assertThat(row.getExpiresAt()).as("written before it falls behind, and long before it lapses")
                    .isEqualTo(phoneNow.expiresAtMillis());
            assertThat(row.getCseq()).isEqualTo(2);
            assertThat(row.getCallId()).isEqualTo("call-2");
            assertThat(row.getId()).as("the same row, updated").isEqualTo(id);
            assertThat(service.failedFlushes()).isZero();
        }
    }

    @Test
    void a_refresh_over_a_new_connection_is_deferred_and_written_with_that_connection_when_due() {
        // a UA that reconnects (a network outage, a NAT box restarted) and registers again over its new connection
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = new ContactBinding(AOR, "sip:alice@192.0.2.10;transport=tcp", NOW.plusSeconds(3600), -1,
                "call-1", 1, List.of(), null, null, null, FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), null);
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.flush();
            long id = storedRow(AOR).getId();

            clock.advance(Duration.ofSeconds(60));
            ContactBinding reconnected = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(3660), -1, "call-2",
                    2, List.of(), null, null, null, FlowToken.of("tls:192.0.2.10:40007>198.51.100.1:5061"), null);
            service.apply(save(reconnected));
            service.flush();
            assertThat(service.lookup(AOR, clock.instant())).containsExactly(reconnected);
            Binding row = storedRow(AOR);
            assertThat(row.getSource()).as("deferred: no stored connection outlives this process")
                    .isEqualTo("tcp:192.0.2.10:40000>198.51.100.1:5060");
            assertThat(row.getCseq()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(3415 - 60));
            service.flush();
            row = storedRow(AOR);
            assertThat(row.getId()).as("the same row, updated").isEqualTo(id);
            assertThat(row.getCseq()).isEqualTo(2);
            assertThat(row.getSource()).as("written with the refresh when due").isEqualTo(
                    "tls:192.0.2.10:40007>198.51.100.1:5061");
            assertThat(fromDatabase(AOR)).containsExactly(reconnected);
        }
    }

    @Test
    void a_new_udp_source_or_a_connection_in_place_of_udp_is_written_at_the_next_flush() {
        // a NAT's new mapping stays valid after a restart: requests must follow it even then
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = new ContactBinding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600), -1, "call-1", 1,
                List.of(), null, null, null, FlowToken.of("udp:192.0.2.10:5060>198.51.100.1:5060"), null);
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.flush();

            clock.advance(Duration.ofSeconds(60));
            ContactBinding remapped = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(3660), -1, "call-1",
                    2, List.of(), null, null, null, FlowToken.of("udp:192.0.2.10:61000>198.51.100.1:5060"), null);
            service.apply(save(remapped));
            service.flush();
            assertThat(fromDatabase(AOR)).containsExactly(remapped);

            clock.advance(Duration.ofSeconds(60));
            ContactBinding overTcp = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(3720), -1, "call-1",
                    3, List.of(), null, null, null, FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), null);
            service.apply(save(overTcp));
            service.flush();
            assertThat(fromDatabase(AOR)).as("from UDP to a connection: not a refresh").containsExactly(overTcp);
        }
    }

    @Test
    void with_deferral_on_every_change_but_a_refresh_is_written_at_the_next_flush() {
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(3600));
        ContactBinding desk = binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(3600));
        ContactBinding carols = binding("sip:carol@example.org", "sip:carol@192.0.2.30", NOW.plusSeconds(3600));
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone, laptop));
            service.apply(save(desk));
            service.apply(save(carols));
            service.flush();
            clock.advance(Duration.ofSeconds(30));

            // alice: the phone's User-Agent changes with its refresh, the laptop is removed, a tablet added; bob's
            // desk asks for a shorter lifetime; carol leaves with Contact: *; dave registers
            ContactBinding phoneNow = new ContactBinding(AOR, phone.contactUri(), NOW.plusSeconds(3630), -1, "call-1",
                    2, List.of(), null, null, null, null, "phone v2");
            ContactBinding tablet = binding(AOR, "sip:alice@192.0.2.12", NOW.plusSeconds(3630));
            service.apply(new BindingChange(AOR, List.of(phoneNow, tablet), List.of(laptop.key()), false));
            ContactBinding deskNow = refreshed(desk, 2, 630);
            service.apply(save(deskNow));
            service.removeAll("sip:carol@example.org");
            ContactBinding daves = binding("sip:dave@example.org", "sip:dave@192.0.2.40", NOW.plusSeconds(3630));
            service.apply(save(daves));
            service.flush();

            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phoneNow, tablet);
            assertThat(fromDatabase("sip:bob@example.org")).as("a shorter lifetime is written: the row must not"
                    + " outlive its binding").containsExactly(deskNow);
            assertThat(fromDatabase("sip:carol@example.org")).isEmpty();
            assertThat(fromDatabase("sip:dave@example.org")).containsExactly(daves);
            assertThat(service.failedFlushes()).isZero();
        }
    }

    @Test
    void a_refresh_of_a_row_near_its_end_or_with_a_lag_of_zero_is_written_at_the_next_flush() {
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.flush();
            // 3,580 s later the row has 20 s left, under the 30 s guard: the refresh is written
            clock.advance(Duration.ofSeconds(3580));
            ContactBinding phoneNow = refreshed(phone, 2, 3580 + 3600);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
        }
        Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
        try (JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofHours(1), 10_000,
                new RefreshDeferral(0, Duration.ofSeconds(1), new MutableClock(NOW)))) {
            service.apply(save(phone));
            service.flush();
            ContactBinding phoneNow = refreshed(phone, 2, 3601);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(fromDatabase(AOR)).as("0 writes every refresh").containsExactly(phoneNow);
        }
    }

    @Test
    void each_deferred_row_is_written_by_its_own_due_time_however_often_its_aor_was_refreshed() {
        // The flusher looks only at the AORs filed under the seconds that have come, not at every row: a refresh that
        // brings a row's due time forward must be filed again, and the other row of its AOR must keep its own time.
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(3600));
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone, laptop));
            service.flush();
            // at 60 s the phone refreshes: its row may stay up to the horizon 4 x 3,600 - 3 x 3,660 = 3,420 s (due at
            // 3,410 s); at 120 s the laptop: 4 x 3,600 - 3 x 3,720 = 3,240 s (due at 3,230 s); at 300 s the phone
            // again, now due at 4 x 3,600 - 3 x 3,900 - 10 = 2,690 s, earlier than its first filing
            clock.advance(Duration.ofSeconds(60));
            service.apply(save(refreshed(phone, 2, 3660)));
            service.flush();
            clock.advance(Duration.ofSeconds(60));
            ContactBinding laptopNow = refreshed(laptop, 2, 3720);
            service.apply(save(laptopNow));
            service.flush();
            clock.advance(Duration.ofSeconds(180));
            ContactBinding phoneNow = refreshed(phone, 3, 3900);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(fromDatabase(AOR)).as("all deferred").containsExactlyInAnyOrder(phone, laptop);

            for (int second = 305; second <= 2685; second += 5) {   // a flush every 5 s: nothing falls due
                clock.advance(Duration.ofSeconds(5));
                service.flush();
            }
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phone, laptop);
            clock.advance(Duration.ofSeconds(10));   // 2,695 s
            service.flush();
            assertThat(fromDatabase(AOR)).as("the phone's row, due at 2,690 s").containsExactlyInAnyOrder(phoneNow,
                    laptop);
            clock.advance(Duration.ofSeconds(3225 - 2695));
            service.flush();
            assertThat(fromDatabase(AOR)).containsExactlyInAnyOrder(phoneNow, laptop);
            clock.advance(Duration.ofSeconds(10));   // 3,235 s
            service.flush();
            assertThat(fromDatabase(AOR)).as("the laptop's, due at 3,230 s").containsExactlyInAnyOrder(phoneNow,
                    laptopNow);
            assertThat(service.failedFlushes()).isZero();
        }
    }

    @Test
    void closing_writes_the_deferred_refreshes_too() {
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        ContactBinding phoneNow = refreshed(phone, 2, 3660);
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.flush();
            clock.advance(Duration.ofSeconds(60));
            service.apply(save(phoneNow));
            service.flush();
            assertThat(storedRow(AOR).getCseq()).as("deferred").isEqualTo(1);
        }
        assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
    }

    @Test
    void after_a_crash_a_deferred_row_is_still_there_when_its_ua_refreshes_and_the_restarted_service_writes_it() {
        // A UA refreshing every 10 minutes a binding of an hour; the server dies just after a deferred refresh.
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        JpaLocationService crashed = deferring(clock);
        try {
            crashed.apply(save(phone));
            crashed.flush();
            clock.advance(Duration.ofSeconds(600));
            ContactBinding refresh = refreshed(phone, 2, 600 + 3600);
            crashed.apply(save(refresh));
            crashed.flush();
            Binding row = storedRow(AOR);
            assertThat(row.getCseq()).as("deferred").isEqualTo(1);
            assertThat(row.getExpiresAt() - clock.millis()).as("the row keeps 75% of the binding's remaining life")
                    .isGreaterThanOrEqualTo((refresh.expiresAtMillis() - clock.millis()) * 3 / 4);

            // the crash: nothing more of the first service reaches the database; a new one starts on it
            try (JpaLocationService restarted = deferring(clock)) {
                // until the UA's next refresh, 600 s on, the binding is there and the reaper leaves it alone
                clock.advance(Duration.ofSeconds(599));
                assertThat(restarted.reapExpired(clock.instant(), 100)).isZero();
                assertThat(restarted.lookup(AOR, clock.instant())).as("still registered when the UA refreshes")
                        .containsExactly(phone);
                // the UA refreshes on time: the restarted service knows the row from its preload and writes it, as
                // its row would otherwise keep less than 75% of the new lifetime
                ContactBinding again = refreshed(phone, 3, 1199 + 3600);
                restarted.apply(save(again));
                restarted.flush();
                assertThat(fromDatabase(AOR)).containsExactly(again);
                assertThat(restarted.failedFlushes()).isZero();
            }
        } finally {
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
            crashed.close();
        }
    }

    @Test
    void a_regularly_refreshing_ua_always_finds_its_row_after_a_crash_and_fewer_refreshes_are_written() {
        // UAs refreshing an hour's binding every 5, 10, 30 and 55 minutes; the flusher runs every 10 s. At
        // every flush the stored row must outlive the UA's next refresh (a crash there leaves the row in place until
        // the UA comes back) and the binding itself (the reaper never meets it).
        int[] periods = {300, 600, 1800, 3300};
        MutableClock clock = new MutableClock(NOW);
        try (JpaLocationService service = deferring(clock)) {
            long[] lastRefresh = new long[periods.length];
            int[] refreshes = new int[periods.length];
            List<Set<Long>> written = new ArrayList<>();
            for (int u = 0; u < periods.length; u++) {
                written.add(new java.util.HashSet<>());
            }
            for (int step = 0; step <= 3 * 3600 / 10; step++) {
                long t = clock.millis();
                for (int u = 0; u < periods.length; u++) {
                    if (step == 0 || t - lastRefresh[u] >= periods[u] * 1000L) {
                        lastRefresh[u] = t;
                        refreshes[u]++;
                        service.apply(save(new ContactBinding("sip:u" + u + "@example.org", "sip:u@192.0.2.1",
                                Instant.ofEpochMilli(t).plusSeconds(3600), -1, "call-1", refreshes[u], List.of(), null,
                                null, null, null, null)));
                    }
                }
                service.flush();
                if (step % 6 == 0) {   // every minute: reading every step on every database would take long
                    for (int u = 0; u < periods.length; u++) {
                        long stored = storedRow("sip:u" + u + "@example.org").getExpiresAt();
                        written.get(u).add(stored);
                        assertThat(stored).as("user %d at %d s", u, (t - NOW.toEpochMilli()) / 1000)
                                .isGreaterThanOrEqualTo(lastRefresh[u] + periods[u] * 1000L);
                    }
                }
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(service.failedFlushes()).isZero();
            assertThat(written.get(0)).as("every 5 min: written every 15 min (25% of the hour)")
                    .hasSizeLessThanOrEqualTo(refreshes[0] / 3 + 1);
            assertThat(written.get(1)).as("every 10 min: every second refresh written")
                    .hasSizeLessThanOrEqualTo(refreshes[1] / 2 + 1);
            assertThat(written.get(2)).as("every 30 min: each written").hasSize(refreshes[2]);
            assertThat(written.get(3)).as("every 55 min: each written").hasSize(refreshes[3]);
        }
    }

    @Test
    void the_reaper_rewrites_a_lapsed_deferred_row_whose_binding_lives_instead_of_deleting_it() {
        // The flusher never came (stalled, or the database down) until the deferred row lapsed.
        MutableClock clock = new MutableClock(NOW);
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(3600));
        ContactBinding gone = binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(3600));
        try (JpaLocationService service = deferring(clock)) {
            service.apply(save(phone));
            service.apply(save(gone));
            service.flush();
            clock.advance(Duration.ofSeconds(600));
            ContactBinding phoneNow = refreshed(phone, 2, 600 + 3600);
            service.apply(save(phoneNow));
            service.flush();
            assertThat(storedRow(AOR).getCseq()).as("deferred").isEqualTo(1);
            long id = storedRow(AOR).getId();

            clock.advance(Duration.ofSeconds(3100));
            assertThat(service.reapExpired(clock.instant(), 100))
                    .as("bob's row deleted and alice's written again: both handled, so a reaper's loop goes on")
                    .isEqualTo(2);

            assertThat(fromDatabase(AOR)).containsExactly(phoneNow);
            assertThat(storedRow(AOR).getId()).isEqualTo(id);
            assertThat(fromDatabase("sip:bob@example.org")).isEmpty();
            assertThat(service.lookup(AOR, clock.instant())).containsExactly(phoneNow);
            // the flusher knows the row again: a later refresh is handled as any other
            clock.advance(Duration.ofSeconds(10));
            ContactBinding later = refreshed(phone, 3, 3710 + 3600);
            service.apply(save(later));
            service.flush();
            assertThat(service.failedFlushes()).isZero();
            assertThat(service.lookup(AOR, clock.instant())).containsExactly(later);
        }
    }

    @Test
    void a_restarted_write_back_service_holds_every_stored_binding_without_reading_the_database_again() {
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        ContactBinding desk = binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(600));
        try (JpaLocationService first = writeBack()) {
            first.apply(save(phone, laptop));
            first.apply(save(desk));
        }
        try (JpaLocationService restarted = writeBack()) {
            assertThat(restarted.isPreloaded()).isTrue();
            // the rows vanish behind its back: what it serves now can only come from the preload
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
            assertThat(restarted.lookup(AOR, NOW)).containsExactlyInAnyOrder(phone, laptop);
            assertThat(restarted.lookup("sip:bob@example.org", NOW)).containsExactly(desk);
            assertThat(restarted.lookup("sip:nobody@example.org", NOW)).isEmpty();
        }
    }

    @Test
    void a_flush_racing_refreshes_of_an_aor_it_is_draining_writes_that_aor_once() throws Exception {
        // The drain used to take an AOR off the dirty set as it polled it, so a refresh landing while the rest of the
        // queue was drained queued the AOR again and the same flush inserted its bindings twice (unique key 23505).
        // Dirty AORs behind it make the drain long (fewer than one 500-AOR delete chunk: a repeat in a later chunk was
        // deleted again and went unnoticed); a writer refreshes the first AOR of the queue all along.
        int others = 400;
        int rounds = 30;
        String hot = "sip:hot@example.org";
        try (JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofHours(1), 1_000_000)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong cseq = new AtomicLong();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    service.apply(save(refreshed(binding(hot, "sip:hot@192.0.2.1", NOW), cseq.incrementAndGet(), 600),
                            binding(hot, "sip:hot@192.0.2.2", NOW.plusSeconds(600))));
                }
            }, "refreshing-writer");
            writer.setDaemon(true);
            try {
                for (int round = 1; round <= rounds; round++) {
                    service.apply(save(binding(hot, "sip:hot@192.0.2.1", NOW.plusSeconds(600))));
                    for (int i = 0; i < others; i++) {
                        service.apply(save(refreshed(numberedUser(i, NOW), round, 600)));
                    }
                    if (round == 1) {
                        writer.start();
                    }
                    service.flush();
                }
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            service.flush();
            assertThat(service.failedFlushes()).isZero();
            assertThat(fromDatabase(hot)).containsExactlyInAnyOrderElementsOf(service.lookup(hot, NOW)).hasSize(2);
            assertThat(fromDatabase("sip:u7@example.org")).singleElement().extracting(ContactBinding::cseq)
                    .isEqualTo(rounds);
            assertThat(service.count()).isEqualTo(others + 2);
        }
    }

    @Test
    void an_aor_the_database_refuses_stays_dirty_and_does_not_keep_the_others_from_being_written() {
        ContactBinding refused = withUnstorableUserAgent("sip:long@example.org", "sip:long@192.0.2.9",
                NOW.plusSeconds(600), 1);
        try (JpaLocationService service = writeBack()) {
            saveNumberedUsers(service, 0, 10, NOW.plusSeconds(600));
            service.apply(save(refused));
            saveNumberedUsers(service, 10, 20, NOW.plusSeconds(600));

            assertThatThrownBy(service::flush).isInstanceOf(LocationException.class)
                    .hasMessageContaining("1 of 21 dirty AORs not written [sip:long@example.org]");

            assertThat(service.count()).as("every other AOR written").isEqualTo(20);
            assertThat(service.dirtyCount()).as("the refused AOR kept for the next flush").isEqualTo(1);
            assertThat(service.failedFlushes()).isEqualTo(1);
            assertThat(service.lookup("sip:long@example.org", NOW)).containsExactly(refused);
            // once the AOR changes into something storable, the next flush writes it
            ContactBinding fixed = binding("sip:long@example.org", "sip:long@192.0.2.9", NOW.plusSeconds(600));
            service.apply(save(fixed));
            service.flush();
            assertThat(service.dirtyCount()).isZero();
            assertThat(fromDatabase("sip:long@example.org")).containsExactly(fixed);
        }
    }

    @Test
    void closing_a_write_back_service_flushes_what_is_pending() {
        JpaLocationService service = writeBack();
        service.apply(save(binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600))));
        service.apply(save(binding("sip:bob@example.org", "sip:bob@192.0.2.20", NOW.plusSeconds(600))));
        service.close();
        assertThat(fromDatabase(AOR)).hasSize(1);
        assertThat(fromDatabase("sip:bob@example.org")).hasSize(1);
    }

    @Test
    void write_back_flushes_on_the_writers_thread_beyond_the_dirty_limit() {
        try (JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofHours(1), 3)) {
            saveNumberedUsers(service, 0, 4, NOW.plusSeconds(600));
            assertThat(service.dirtyCount()).isZero();
            assertThat(service.count()).isEqualTo(4);
        }
    }

    @Test
    void expired_bindings_are_reaped_in_batches() {
        JpaLocationService service = JpaLocationService.writeThrough(factory);
        saveNumberedUsers(service, 0, 25, NOW.minusSeconds(1));
        ContactBinding live = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        service.apply(save(live));
        assertThat(service.count()).isEqualTo(26);
        assertThat(service.reapExpired(NOW, 10)).isEqualTo(10);
        assertThat(service.reapExpired(NOW, 10)).isEqualTo(10);
        assertThat(service.reapExpired(NOW, 10)).isEqualTo(5);
        assertThat(service.reapExpired(NOW, 10)).isZero();
        assertThat(service.count()).isEqualTo(1);
        assertThat(service.lookup(AOR, NOW)).containsExactly(live);
    }

    @Test
    void concurrent_registers_through_the_registrar_end_with_every_latest_binding_stored() throws Exception {
        int threads = 8;
        int aors = 20;
        int rounds = 25;
        try (JpaLocationService service = JpaLocationService.writeBack(factory, Duration.ofMillis(20), 10_000)) {
            Registrar registrar = new Registrar(RegistrarPolicy.forDomains(Set.of("example.org")), service);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int ok = 0;
                        for (int round = 1; round <= rounds; round++) {
                            for (int a = 0; a < aors; a++) {
                                RegisterRequest request = new RegisterRequest("sip:u" + a + "@example.org",
                                        "example.org", List.of(ContactSpec.of("sip:u" + a + "@192.0.2." + thread)),
                                        null, "call-" + thread + "-" + a, round, List.of(), List.of(), List.of(), 1,
                                        null, null);
                                if (registrar.register(request, NOW).status() == 200) {
                                    ok++;
                                }
                            }
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(rounds * aors);
                }
            } finally {
                pool.shutdownNow();
            }
            service.flush();
            // the background flushes ran while the registers did: none of them may have failed (and merely retried)
            assertThat(service.failedFlushes()).as("failed write-back flushes").isZero();
            // the database holds exactly what memory holds: each thread's binding of each AOR at its last CSeq
            for (int a = 0; a < aors; a++) {
                String aor = "sip:u" + a + "@example.org";
                assertThat(fromDatabase(aor)).hasSize(threads).allSatisfy(b -> assertThat(b.cseq()).isEqualTo(rounds))
                        .containsExactlyInAnyOrderElementsOf(service.lookup(aor, NOW));
            }
        }
    }

    // Several nodes on one database (docs/CLUSTERING.md). Two services on one persistence unit stand for two nodes;
    // a ConcurrentHashMap stands for the replicated stamp cache (a put is visible everywhere when it returns).

    @Test
    void a_node_sees_a_binding_another_node_added_after_it_had_loaded_the_aor() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        ContactBinding first = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        nodeA.apply(save(first));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactly(first.ownedBy("node-a"));   // B loads the AOR, keeps it

        ContactBinding second = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        nodeA.apply(save(second));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactlyInAnyOrder(first.ownedBy("node-a"), second.ownedBy("node-a"));

        nodeA.apply(new BindingChange(AOR, List.of(), List.of(first.key()), false));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactly(second.ownedBy("node-a"));
        nodeA.removeAll(AOR);
        assertThat(nodeB.lookup(AOR, NOW)).isEmpty();
    }

    @Test
    void without_shared_stamps_a_node_keeps_what_it_loaded() {
        // The contrast that shows the stamps do the work: single-node services trust their memory.
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory);
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory);
        ContactBinding first = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        nodeA.apply(save(first));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactly(first);
        nodeA.apply(save(binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600))));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactly(first);
    }

    @Test
    void a_writer_sees_what_another_node_wrote_to_the_same_aor_between_its_loads() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        assertThat(nodeA.lookup(AOR, NOW)).isEmpty();
        assertThat(nodeB.lookup(AOR, NOW)).isEmpty();
        ContactBinding phone = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        ContactBinding laptop = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        nodeB.apply(save(laptop));
        nodeA.apply(save(phone));
        assertThat(nodeA.lookup(AOR, NOW)).containsExactlyInAnyOrder(phone.ownedBy("node-a"), laptop.ownedBy("node-b"));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactlyInAnyOrder(phone.ownedBy("node-a"), laptop.ownedBy("node-b"));
    }

    @Test
    void a_stamp_lost_from_the_shared_map_makes_nodes_reload_not_trust_stale_rows() {
        // A replicated cache may expire or evict a stamp: null is then just another stamp, and differs from the one
        // a node loaded with.
        ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();
        BindingVersions stamps = BindingVersions.shared(map);
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        ContactBinding first = binding(AOR, "sip:alice@192.0.2.10", NOW.plusSeconds(600));
        nodeA.apply(save(first));
        assertThat(nodeB.lookup(AOR, NOW)).containsExactly(first.ownedBy("node-a"));
        map.clear();
        Transactions.inTransaction(factory, em -> em.createQuery("delete from Binding").executeUpdate());
        assertThat(nodeB.lookup(AOR, NOW)).isEmpty();
    }

    @Test
    void a_restarted_node_releases_the_outbound_flows_it_held_and_nothing_else() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        ContactBinding flowOnA = flow(AOR, "sip:alice@192.0.2.10;transport=tcp", "<urn:uuid:a>");
        ContactBinding plainOnA = binding(AOR, "sip:alice@192.0.2.11", NOW.plusSeconds(600));
        ContactBinding flowOnB = flow(AOR, "sip:alice@192.0.2.12;transport=tcp", "<urn:uuid:b>");
        ContactBinding bobOnA = flow("sip:bob@example.org", "sip:bob@192.0.2.20;transport=tcp", "<urn:uuid:c>");
        nodeA.apply(save(flowOnA, plainOnA));
        nodeA.apply(save(bobOnA));
        nodeB.apply(save(flowOnB));
        assertThat(nodeB.lookup(AOR, NOW)).hasSize(3);   // B has the AOR in memory

        // node A comes back (a new process: its connections, hence its flows, are gone)
        JpaLocationService restartedA = JpaLocationService.writeThrough(factory, stamps, "node-a");

        assertThat(restartedA.lookup(AOR, NOW)).containsExactlyInAnyOrder(plainOnA.ownedBy("node-a"),
                flowOnB.ownedBy("node-b"));
        assertThat(nodeB.lookup(AOR, NOW)).as("B reloads: the AOR got a new stamp")
                .containsExactlyInAnyOrder(plainOnA.ownedBy("node-a"), flowOnB.ownedBy("node-b"));
        assertThat(nodeB.lookup("sip:bob@example.org", NOW)).isEmpty();
        assertThat(restartedA.releaseOwnFlows()).isZero();
    }

    @Test
    void bindings_of_a_node_that_left_the_cluster_are_skipped_and_the_others_kept() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        Set<String> members = ConcurrentHashMap.newKeySet();
        members.addAll(List.of("node-a", "node-b"));
        nodeA.followMembership(members::contains);
        ContactBinding flowOnA = flow(AOR, "sip:alice@192.0.2.10;transport=tcp", "<urn:uuid:a>");
        ContactBinding flowOnB = flow(AOR, "sip:alice@192.0.2.12;transport=tcp", "<urn:uuid:b>");
        ContactBinding plainOnB = binding(AOR, "sip:alice@192.0.2.13", NOW.plusSeconds(600));
        nodeA.apply(save(flowOnA));
        nodeB.apply(save(flowOnB, plainOnB));
        assertThat(nodeA.lookup(AOR, NOW)).hasSize(3);

        members.remove("node-b");   // the view drops B

        assertThat(nodeA.lookup(AOR, NOW)).as("at once, with no database write")
                .containsExactly(flowOnA.ownedBy("node-a"));
        members.add("node-b");
        assertThat(nodeA.lookup(AOR, NOW)).as("B back in the view").hasSize(3);
    }

    @Test
    void the_coordinator_releases_the_flows_of_a_node_that_left_and_nothing_else() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        ContactBinding flowOnA = flow(AOR, "sip:alice@192.0.2.10;transport=tcp", "<urn:uuid:a>");
        ContactBinding flowOnB = flow(AOR, "sip:alice@192.0.2.12;transport=tcp", "<urn:uuid:b>");
        ContactBinding plainOnB = binding(AOR, "sip:alice@192.0.2.13", NOW.plusSeconds(600));
        nodeA.apply(save(flowOnA));
        nodeB.apply(save(flowOnB, plainOnB));
        assertThat(nodeA.lookup(AOR, NOW)).hasSize(3);

        assertThat(nodeA.releaseFlowsOf("node-b")).isEqualTo(1);

        assertThat(nodeA.lookup(AOR, NOW)).containsExactlyInAnyOrder(flowOnA.ownedBy("node-a"),
                plainOnB.ownedBy("node-b"));
        assertThat(nodeA.releaseFlowsOf("node-b")).as("idempotent: B itself may run it too").isZero();
    }

    @Test
    void a_node_that_stops_gracefully_releases_its_own_flows() {
        BindingVersions stamps = BindingVersions.shared(new ConcurrentHashMap<>());
        JpaLocationService nodeA = JpaLocationService.writeThrough(factory, stamps, "node-a");
        JpaLocationService nodeB = JpaLocationService.writeThrough(factory, stamps, "node-b");
        ContactBinding flowOnA = flow(AOR, "sip:alice@192.0.2.10;transport=tcp", "<urn:uuid:a>");
        ContactBinding flowOnB = flow(AOR, "sip:alice@192.0.2.12;transport=tcp", "<urn:uuid:b>");
        nodeA.apply(save(flowOnA));
        nodeB.apply(save(flowOnB));
        assertThat(nodeA.lookup(AOR, NOW)).hasSize(2);

        nodeB.close();

        assertThat(nodeA.lookup(AOR, NOW)).containsExactly(flowOnA.ownedBy("node-a"));
    }

    private static ContactBinding refreshed(ContactBinding b, long cseq, long seconds) {
        return new ContactBinding(b.aor(), b.contactUri(), NOW.plusSeconds(seconds), b.qMillis(), b.callId(), cseq,
                b.path(), b.instanceId(), b.regId(), b.flowToken(), b.source(), b.userAgent());
    }

    private static ContactBinding flow(String aor, String contact, String instance) {
        return new ContactBinding(aor, contact, NOW.plusSeconds(600), -1, "call-1", 1, List.of(),
                InstanceId.of(instance), 1,
                FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"),
                FlowToken.of("tcp:192.0.2.10:40000>198.51.100.1:5060"), null);
    }
}
