package org.sipcity.registrar.proxy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.LocationService;
import org.sipcity.registrar.registration.AddressOfRecord;

/**
 * The target set of a request for a local AOR (RFC 3261 §16.5): its current bindings from the location service, in
 * q-value groups. The database is consulted only when there is no binding, to tell 404 from 480.
 * <p>
 * A contact registered without q counts as q=1.0, the highest preference: RFC 3261 leaves the absent value to the
 * server, and a UA that gives no preference should not be tried after one that asked to be tried last.
 * Within a group, the most recently refreshed binding comes first.
 */
public final class LocalTargets {

    private static final int UNSPECIFIED_Q = 1000;

    private final LocationService locations;
    private final SubscriberDirectory subscribers;

    public LocalTargets(LocationService locations, SubscriberDirectory subscribers) {
        this.locations = locations;
        this.subscribers = subscribers;
    }

    public TargetDecision resolve(String user, String domain, Instant now) {
        String aor = AddressOfRecord.of(user, domain);
        List<ContactBinding> bindings = locations.lookup(aor, now);
        if (bindings.isEmpty()) {
            return subscribers.exists(user, domain) ? new TargetDecision.NotRegistered()
                    : new TargetDecision.UnknownUser();
        }
        return new TargetDecision.Groups(byQ(bindings));
    }

    static List<List<ContactBinding>> byQ(List<ContactBinding> bindings) {
        List<ContactBinding> sorted = new ArrayList<>(bindings);
        sorted.sort(Comparator.comparingInt(LocalTargets::q).reversed()
                .thenComparing(ContactBinding::expiresAt, Comparator.reverseOrder()));
        List<List<ContactBinding>> groups = new ArrayList<>();
        List<ContactBinding> current = null;
        int currentQ = -1;
        for (ContactBinding binding : sorted) {
            if (current == null || q(binding) != currentQ) {
                current = new ArrayList<>();
                groups.add(current);
                currentQ = q(binding);
            }
            current.add(binding);
        }
        return groups;
    }

    private static int q(ContactBinding binding) {
        return binding.qMillis() < 0 ? UNSPECIFIED_Q : binding.qMillis();
    }
}
