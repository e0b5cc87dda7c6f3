package org.sipcity.registrar.registration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.ContactUris;
import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.location.LocationService;
import org.sipcity.registrar.registration.RegistrarOutcome.Header;

/**
 * REGISTER processing of RFC 3261 §10.3 (with RFC 3327 Path and RFC 5626 outbound) on top of a
 * {@link LocationService}. Authentication (step 3) and authorisation (step 4) are the caller's
 * ({@link RegistrationService}); this class does steps 1-2 in {@link #precheck} and 5-8 in {@link #register}.
 * <p>
 * Read-modify-write of one AOR's bindings runs under a lock striped by AOR, so two REGISTERs for the same AOR
 * (a refresh racing a de-registration) are applied one after the other and each sees the other's result.
 */
public final class Registrar {

    /** RFC 3261 §20.19 / §25.1: delta-seconds beyond 2^32-1 mean 2^32-1. */
    private static final long MAX_DELTA_SECONDS = 4294967295L;
    private static final int LOCK_STRIPES = 1024;

    private final RegistrarPolicy policy;
    private final LocationService locations;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public Registrar(RegistrarPolicy policy, LocationService locations) {
        this.policy = policy;
        this.locations = locations;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public RegistrarPolicy policy() {
        return policy;
    }

    /**
     * Steps 1 and 2: the domain and the Require header.
     *
     * @return the failure outcome, or {@code null} when processing continues
     */
    public RegistrarOutcome precheck(RegisterRequest request) {
        // Step 1. We act as registrar only; a domain we do not hold gets 404, which §21.4.4 names for "the domain in
        // the Request-URI does not match any of the domains handled by the recipient".
        if (!policy.servesDomain(request.requestDomain())) {
            return RegistrarOutcome.error(404, "Not Found (domain not served here)");
        }
        // Step 2. §8.2.2.3: an option-tag we do not support in Require gets 420 listing them in Unsupported.
        List<String> unsupported = new ArrayList<>();
        for (String tag : request.require()) {
            if (!policy.supportedOptionTags().contains(tag.toLowerCase(Locale.ROOT))) {
                unsupported.add(tag);
            }
        }
        if (!unsupported.isEmpty()) {
            return RegistrarOutcome.error(420, "Bad Extension", new Header("Unsupported", String.join(", ", unsupported)));
        }
        return null;
    }

    /** Steps 5 to 8 for an authenticated and authorised request. */
    public RegistrarOutcome register(RegisterRequest request, Instant now) {
        return register(request, now, false);
    }

    /**
     * Steps 5 to 8.
     *
     * @param retransmitted whether authentication recognised the request as a retransmission of one it accepted
     *                      before (the same nonce-count for the same transaction): it is answered, never applied
     *                      again, so a copy replayed with its credentials can change nothing
     */
    public RegistrarOutcome register(RegisterRequest request, Instant now, boolean retransmitted) {
        // Step 5: the AOR arrives canonical; whether its domain is ours is checked here because To may differ from
        // the Request-URI. §10.3 step 5: "If the address-of-record is not valid for the domain in the Request-URI,
        // the registrar MUST send a 404 (Not Found) response".
        if (!AddressOfRecord.domain(request.aor()).equals(request.requestDomain().toLowerCase(Locale.ROOT))) {
            return RegistrarOutcome.error(404, "Not Found (address-of-record not in the Request-URI domain)");
        }
        ContactPlan plan;
        try {
            plan = ContactPlan.of(request, policy);
        } catch (RegisterRejection rejection) {
            return rejection.outcome();
        }
        ReentrantLock lock = lockFor(request.aor());
        lock.lock();
        try {
            List<ContactBinding> current = locations.lookup(request.aor(), now);
            RegistrarOutcome ordering = plan.checkOrdering(current, request);
            if (ordering != null) {
                return ordering;
            }
            if (retransmitted || ContactPlan.isRetransmissionFor(current, request)) {
                // RFC 3261 §17.2.3: the same request again gets the same answer, the 200 with the current bindings;
                // it was applied when it first came (or failed then and fails the same way above).
                return success(request, plan, current, now);
            }
            BindingChange change = plan.toChange(request, now, current);
            if (!change.isEmpty()) {
                try {
                    locations.apply(change);
                } catch (LocationException e) {
                    // §10.3 step 7: "If any one of them fails (for example, because the back-end database commit
                    // failed), the request MUST fail with a 500 (Server Error) response".
                    return RegistrarOutcome.error(500, "Server Internal Error (bindings not stored)");
                }
            }
            return success(request, plan, change.applyTo(current), now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Administration: removes the binding of {@code aor} whose contact URI is {@code contactUri} (compared as §10.3
     * step 7 compares contacts), under the AOR's lock so that it cannot interleave with a REGISTER of the same AOR.
     *
     * @return whether there was such a binding
     * @throws LocationException when the change could not be stored
     */
    public boolean removeBinding(String aor, String contactUri, Instant now) {
        String wanted = ContactUris.canonical(contactUri);
        ReentrantLock lock = lockFor(aor);
        lock.lock();
        try {
            for (ContactBinding binding : locations.lookup(aor, now)) {
                if (ContactUris.canonical(binding.contactUri()).equals(wanted)) {
                    locations.apply(new BindingChange(aor, List.of(), List.of(binding.key()), false));
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Administration: removes every binding of {@code aor}, under its lock.
     *
     * @return how many unexpired bindings there were
     */
    public int removeBindings(String aor, Instant now) {
        ReentrantLock lock = lockFor(aor);
        lock.lock();
        try {
            int current = locations.lookup(aor, now).size();
            locations.removeAll(aor);
            return current;
        } finally {
            lock.unlock();
        }
    }

    /** The unexpired bindings of an AOR (administration and the proxy read the same table). */
    public List<ContactBinding> bindings(String aor, Instant now) {
        return locations.lookup(aor, now);
    }

    private RegistrarOutcome success(RegisterRequest request, ContactPlan plan, List<ContactBinding> bindings,
            Instant now) {
        List<Header> headers = new ArrayList<>();
        for (ContactBinding binding : bindings) {
            headers.add(new Header("Contact", ContactHeaders.format(binding, now)));
        }
        // RFC 3327 §5.3: the Path is always stored with the bindings, and echoed in the 200 OK to a UA that
        // declared "Supported: path" (Kamailio's "lazy" path mode); a UA that did not cannot use it.
        if (request.supported().contains("path")) {
            for (String path : request.path()) {
                headers.add(new Header("Path", path));
            }
        }
        if (plan.outboundApplied()) {
            // RFC 5626 §6: Require: outbound in the 2xx when a flow was registered; Flow-Timer tells the UA how often
            // to send keep-alives (§4.4.1).
            headers.add(new Header("Require", "outbound"));
            headers.add(new Header("Flow-Timer", Integer.toString(policy.flowTimer())));
        }
        headers.add(new Header("Date", HttpDates.format(now)));
        return new RegistrarOutcome(200, "OK", headers, bindings);
    }

    private ReentrantLock lockFor(String aor) {
        int h = aor.hashCode();
        return locks[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
    }

    /** Parses delta-seconds (RFC 3261 §25.1: 1*DIGIT); -1 when malformed, saturated at 2^32-1. */
    static long parseDeltaSeconds(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = Math.min(value * 10 + (c - '0'), MAX_DELTA_SECONDS);
        }
        return value;
    }
}
