package org.sipcity.registrar.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.auth.DigestAlgorithm;
import org.sipcity.registrar.auth.DigestAuthenticator;
import org.sipcity.registrar.auth.NonceCountTracker;
import org.sipcity.registrar.auth.NonceService;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.location.jpa.Transactions;
import org.sipcity.registrar.registration.ContactSpec;
import org.sipcity.registrar.registration.RegisterRequest;
import org.sipcity.registrar.registration.Registrar;
import org.sipcity.registrar.registration.RegistrarOutcome;
import org.sipcity.registrar.registration.RegistrarPolicy;
import org.sipcity.registrar.registration.RegistrationService;
import org.sipcity.registrar.subscriber.SubscriberCsvImporter;
import org.sipcity.registrar.subscriber.SubscriberException;
import org.sipcity.registrar.subscriber.SubscriberStore;

/** Subscriber administration, bulk import and a REGISTER with digest authentication, against one real database. */
public abstract class SubscriberStoreContract extends DatabaseTestBase {

    @Test
    void only_ha1_hashes_are_stored_never_the_password() {
        new SubscriberStore(factory).add("alice", "Example.ORG", "Circle of Life");
        Object[] row = Transactions.read(factory, em -> em.createQuery(
                "select s.username, s.domain, s.ha1Md5, s.ha1Sha256 from Subscriber s", Object[].class).getSingleResult());
        assertThat(row).containsExactly("alice", "example.org",
                DigestAlgorithm.MD5.ha1("alice", "example.org", "Circle of Life"),
                DigestAlgorithm.SHA_256.ha1("alice", "example.org", "Circle of Life"));
        assertThat(List.of(row)).noneMatch(value -> value.toString().contains("Circle"));
    }

    @Test
    void add_change_password_remove_and_count() {
        SubscriberStore store = new SubscriberStore(factory);
        store.add("alice", "example.org", "one");
        store.add("bob", "example.org", "two");
        store.add("alice", "other.org", "three");
        assertThat(store.count()).isEqualTo(3);
        assertThatThrownBy(() -> store.add("alice", "example.org", "again")).isInstanceOf(SubscriberException.class)
                .hasMessageContaining("exists");
        assertThat(store.changePassword("alice", "example.org", "new")).isTrue();
        assertThat(store.ha1("alice", "example.org", DigestAlgorithm.SHA_256))
                .isEqualTo(DigestAlgorithm.SHA_256.ha1("alice", "example.org", "new"));
        assertThat(store.changePassword("carol", "example.org", "x")).isFalse();
        assertThat(store.remove("bob", "example.org")).isTrue();
        assertThat(store.remove("bob", "example.org")).isFalse();
        assertThat(store.exists("alice", "other.org")).isTrue();
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void empty_fields_are_refused() {
        SubscriberStore store = new SubscriberStore(factory);
        assertThatThrownBy(() -> store.add("", "example.org", "x")).isInstanceOf(SubscriberException.class);
        assertThatThrownBy(() -> store.add("alice", "example.org", "")).isInstanceOf(SubscriberException.class);
    }

    @Test
    void csv_import_skips_existing_rows_reports_bad_lines_and_is_idempotent() throws IOException {
        SubscriberStore store = new SubscriberStore(factory);
        store.add("user3", "example.org", "old");
        StringBuilder csv = new StringBuilder("username,domain,password\n# a comment\n\n");
        for (int i = 0; i < 2500; i++) {
            csv.append("user").append(i).append(",example.org,pass,word ").append(i).append('\n');
        }
        csv.append("broken line without commas\n").append(",example.org,nouser\n").append("user7,example.org,twice\n");
        SubscriberCsvImporter importer = new SubscriberCsvImporter(store, 1000);
        SubscriberCsvImporter.Report first = importer.importCsv(new StringReader(csv.toString()));
        assertThat(first.imported()).isEqualTo(2499);
        assertThat(first.existing()).isEqualTo(2); // user3 added before; user7's second line after its chunk
        assertThat(first.rejected()).isEqualTo(2);
        assertThat(first.problems()).anySatisfy(p -> assertThat(p).startsWith("line 2504:"))
                .anySatisfy(p -> assertThat(p).startsWith("line 2505:"));
        assertThat(store.count()).isEqualTo(2500);
        // the password is everything after the second comma, commas included
        assertThat(store.ha1("user42", "example.org", DigestAlgorithm.MD5))
                .isEqualTo(DigestAlgorithm.MD5.ha1("user42", "example.org", "pass,word 42"));
        assertThat(store.ha1("user3", "example.org", DigestAlgorithm.MD5))
                .isEqualTo(DigestAlgorithm.MD5.ha1("user3", "example.org", "old"));

        SubscriberCsvImporter.Report again = importer.importCsv(new StringReader(csv.toString()));
        assertThat(again.imported()).isZero();
        assertThat(again.existing()).isEqualTo(2501);
        assertThat(store.count()).isEqualTo(2500);
    }

    @Test
    void a_register_is_challenged_then_authenticated_against_the_stored_ha1_and_its_binding_stored() {
        SubscriberStore subscribers = new SubscriberStore(factory);
        subscribers.add("alice", "example.org", "alice-secret");
        JpaLocationService locations = JpaLocationService.writeThrough(factory);
        RegistrationService service = new RegistrationService(
                new Registrar(RegistrarPolicy.forDomains(Set.of("example.org")), locations),
                new DigestAuthenticator(subscribers, new NonceService(new byte[32], Duration.ofMinutes(5)),
                        new NonceCountTracker(100)), Clock.systemUTC());

        RegistrarOutcome challenge = service.handle(request(1), List.of());
        assertThat(challenge.status()).isEqualTo(401);
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.header("WWW-Authenticate"));
        assertThat(m.find()).isTrue();
        String nonce = m.group(1);
        DigestAlgorithm sha = DigestAlgorithm.SHA_256;
        String ha1 = sha.hash("alice:example.org:alice-secret");
        String response = sha.hash(ha1 + ":" + nonce + ":00000001:abc:auth:" + sha.hash("REGISTER:sip:example.org"));
        String authorization = "Digest username=\"alice\", realm=\"example.org\", nonce=\"" + nonce
                + "\", uri=\"sip:example.org\", response=\"" + response
                + "\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"abc\"";

        RegistrarOutcome ok = service.handle(request(2), List.of(authorization));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(locations.count()).isEqualTo(1);
        // the same Authorization again is a replay
        assertThat(service.handle(request(3), List.of(authorization)).status()).isEqualTo(401);
    }

    private static RegisterRequest request(long cseq) {
        return new RegisterRequest("sip:alice@example.org", "example.org",
                List.of(ContactSpec.of("sip:alice@192.0.2.10;transport=tcp")), null, "call-1", cseq, List.of(),
                List.of(), List.of(), 1, null, null);
    }

    @Test
    void list_pages_in_domain_then_user_order_and_takes_prefix_wildcards_literally() {
        SubscriberStore store = new SubscriberStore(factory);
        for (String user : List.of("carol", "a_1", "ab", "a%", "alice")) {
            store.add(user, "example.org", "pw");
        }
        store.add("alice", "aaa.example", "pw");

        // The order of punctuation is the database's collation; only letters are compared across databases here.
        assertThat(store.list("", 0, 10)).containsExactlyInAnyOrder("alice@aaa.example", "a%@example.org", "a_1@example.org",
                "ab@example.org", "alice@example.org", "carol@example.org");
        assertThat(store.list("a_", 0, 10)).as("_ is no wildcard").containsExactly("a_1@example.org");
        assertThat(store.list("a%", 0, 10)).as("% is no wildcard").containsExactly("a%@example.org");
        assertThat(store.list("al", 0, 10)).as("domain, then user").containsExactly("alice@aaa.example", "alice@example.org");
        assertThat(store.list("al", 1, 5)).containsExactly("alice@example.org");
        assertThatThrownBy(() -> store.list("", -1, 10)).isInstanceOf(SubscriberException.class);
    }
}
