package org.sipcity.registrar.registration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.sipcity.registrar.location.BindingChange;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.location.InstanceId;
import org.sipcity.registrar.registration.RegistrarOutcome.Header;

/**
 * The contacts of one REGISTER checked and resolved (§10.3 step 6): expiry per contact, q-values, the wildcard form,
 * and whether RFC 5626 outbound applies. Holds no state beyond one request.
 */
final class ContactPlan {

    /** One contact to add, refresh or remove. */
    record Entry(ContactSpec spec, long expires, int qMillis, Integer regId) {

        /** The binding key it names (built only for a removal, which the change carries by key). */
        String key() {
            return ContactBinding.keyOf(spec.uri(), spec.instanceId(), regId);
        }

        /** Whether {@code binding} has the key this contact names. */
        boolean names(ContactBinding binding) {
            return binding.hasKeyOf(spec.uri(), spec.instanceId(), regId);
        }
    }

    private final boolean wildcard;
    private final boolean outboundApplied;
    private final List<Entry> entries;

    private ContactPlan(boolean wildcard, boolean outboundApplied, List<Entry> entries) {
        this.wildcard = wildcard;
        this.outboundApplied = outboundApplied;
        this.entries = entries;
    }

    boolean outboundApplied() {
        return outboundApplied;
    }

    static ContactPlan of(RegisterRequest request, RegistrarPolicy policy) throws RegisterRejection {
        List<ContactSpec> contacts = request.contacts();
        long headerExpires = -1;
        if (request.expiresHeader() != null) {
            headerExpires = Registrar.parseDeltaSeconds(request.expiresHeader().trim());
            if (headerExpires < 0) {
                throw reject(400, "Bad Request (malformed Expires header)");
            }
        }
        if (hasWildcard(contacts)) {
            // §10.3 step 6: "*" must be the only Contact and come with Expires: 0, otherwise 400.
            if (contacts.size() != 1) {
                throw reject(400, "Bad Request (Contact * must be the only Contact)");
            }
            if (headerExpires != 0) {
                throw reject(400, "Bad Request (Contact * requires Expires: 0)");
            }
            return new ContactPlan(true, false, List.of());
        }
        boolean outboundPossible = outboundPossible(request);
        List<Entry> entries = new ArrayList<>(contacts.size());
        long tooBrief = -1;
        boolean outbound = false;
        for (ContactSpec contact : contacts) {
            long expires = expiresOf(contact, headerExpires, policy);
            if (expires > 0 && expires < policy.minExpires()) {
                tooBrief = expires;
            }
            expires = Math.min(expires, policy.maxExpires());
            int q = -1;
            if (contact.q() != null) {
                q = QValues.parse(contact.q().trim());
                if (q < 0) {
                    throw reject(400, "Bad Request (q-value must be between 0 and 1 with at most three decimals)");
                }
            }
            Integer regId = null;
            if (contact.regId() != null && contact.instanceId() != null) {
                // RFC 5626 §6: a reg-id without +sip.instance is ignored; with it, reg-id is 1*DIGIT, 1 to 2^31-1.
                long parsed = Registrar.parseDeltaSeconds(contact.regId().trim());
                if (parsed < 1 || parsed > Integer.MAX_VALUE) {
                    throw reject(400, "Bad Request (reg-id must be an integer from 1 to 2147483647)");
                }
                if (outboundPossible) {
                    regId = (int) parsed;
                    outbound = true;
                } else if (request.supported().contains("outbound")) {
                    // RFC 5626 §6: not the first hop and no "ob" Path: the UA asked for outbound we cannot give.
                    throw reject(439, "First Hop Lacks Outbound Support");
                }
            }
            entries.add(new Entry(contact, expires, q, regId));
        }
        if (tooBrief >= 0) {
            // §10.3 step 6 / §21.4.17: 423 with the shortest interval we accept.
            throw new RegisterRejection(RegistrarOutcome.error(423, "Interval Too Brief",
                    new Header("Min-Expires", Integer.toString(policy.minExpires()))));
        }
        return new ContactPlan(false, outbound, entries);
    }

    private static boolean hasWildcard(List<ContactSpec> contacts) {
        for (ContactSpec contact : contacts) {
            if (contact.isWildcard()) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 5626 §6: outbound processing applies when we are the first hop (one Via) or the first Path URI carries
     * the "ob" parameter.
     */
    private static boolean outboundPossible(RegisterRequest request) {
        if (request.viaCount() == 1) {
            return true;
        }
        if (request.path().isEmpty()) {
            return false;
        }
        String first = request.path().get(0);
        int end = first.indexOf('>');
        String uri = end < 0 ? first : first.substring(0, end);
        for (String param : uri.split(";")) {
            if (param.trim().equalsIgnoreCase("ob")) {
                return true;
            }
        }
        return false;
    }

    /** §10.2.1.1 and §10.3 step 6: the contact's expires parameter, else the Expires header, else our default. */
    private static long expiresOf(ContactSpec contact, long headerExpires, RegistrarPolicy policy)
            throws RegisterRejection {
        if (contact.expires() != null) {
            long value = Registrar.parseDeltaSeconds(contact.expires().trim());
            if (value < 0) {
                throw reject(400, "Bad Request (malformed expires parameter in Contact)");
            }
            return value;
        }
        return headerExpires >= 0 ? headerExpires : policy.defaultExpires();
    }

    /**
     * §10.3 steps 6 and 7: for a binding written before with the same Call-ID, the request must carry a higher
     * CSeq, else "the update MUST be aborted and the request fails". The RFC names no code for this failure; it is
     * a failure of the binding update, for which the same step prescribes 500 ("If any one of them fails ... the
     * request MUST fail with a 500 (Server Error) response"), and 500 is what Kamailio and most registrars send.
     * A different Call-ID always replaces (a rebooted UA). A binding written by this very transaction (a
     * retransmission of it, {@link #isRetransmissionFor}) is no reason to fail: the request is the same request
     * (§17.2.3), not an update; a new transaction that repeats the CSeq has another branch and fails.
     *
     * @return the failure outcome, or {@code null} when every update may proceed
     */
    RegistrarOutcome checkOrdering(List<ContactBinding> current, RegisterRequest request) {
        for (ContactBinding existing : current) {
            if (existing.callId().equals(request.callId()) && request.cseq() <= existing.cseq()
                    && (wildcard || namedByAnEntry(existing))
                    && !existing.writtenBy(request.callId(), request.cseq(), request.transaction())) {
                return RegistrarOutcome.error(500, "Server Internal Error (out-of-order CSeq for an existing binding)");
            }
        }
        return null;
    }

    /**
     * Whether {@code request} is a retransmission of the transaction that last wrote one of {@code current}: it was
     * applied once and must not be applied again (a late copy would otherwise move the expiry, or bring back a binding
     * a later request removed), only answered.
     */
    static boolean isRetransmissionFor(List<ContactBinding> current, RegisterRequest request) {
        if (request.transaction() == 0) {
            return false;
        }
        for (ContactBinding existing : current) {
            if (existing.writtenBy(request.callId(), request.cseq(), request.transaction())) {
                return true;
            }
        }
        return false;
    }

    private boolean namedByAnEntry(ContactBinding binding) {
        for (Entry entry : entries) {
            if (entry.names(binding)) {
                return true;
            }
        }
        return false;
    }

    BindingChange toChange(RegisterRequest request, Instant now, List<ContactBinding> current) {
        if (wildcard) {
            return new BindingChange(request.aor(), List.of(), List.of(), !current.isEmpty());
        }
        List<ContactBinding> saved = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        FlowToken source = request.flow() == null ? null : FlowToken.of(request.flow().token());
        // A refresh keeps the AOR text its first binding stored, which the location table holds as its key: one
        // copy per AOR in memory, not one per REGISTER.
        String aor = current.isEmpty() ? request.aor() : current.get(0).aor();
        for (ContactBinding existing : current) {
            source = kept(source, existing.source());
        }
        for (Entry entry : entries) {
            if (entry.expires() == 0) {
                removed.add(entry.key());
                continue;
            }
            ContactSpec spec = entry.spec();
            ContactBinding refreshed = refreshedBy(entry, current);
            long expiresAt = now.plusSeconds(entry.expires()).toEpochMilli();
            // the stack refuses a CSeq of 2**31 or more (RFC 3261 §8.1.1.5), so the number fits the binding's int
            int cseq = (int) request.cseq();
            saved.add(refreshed == null
                    ? new ContactBinding(aor, spec.uri(), expiresAt, entry.qMillis(), request.callId(), cseq,
                            request.path(), InstanceId.of(spec.instanceId()), entry.regId(),
                            entry.regId() == null ? null : source, source, request.userAgent(), null,
                            request.transaction())
                    : new ContactBinding(aor, kept(spec.uri(), refreshed.contactUri()), expiresAt, entry.qMillis(),
                            kept(request.callId(), refreshed.callId()), cseq, kept(request.path(), refreshed.path()),
                            kept(InstanceId.of(spec.instanceId()), refreshed.instanceId()), entry.regId(),
                            entry.regId() == null ? null : source, source, request.userAgent(), null,
                            request.transaction()));
        }
        return new BindingChange(aor, saved, removed, false);
    }

    /** The current binding {@code entry} refreshes, or {@code null} when it adds one. */
    private static ContactBinding refreshedBy(Entry entry, List<ContactBinding> current) {
        for (ContactBinding existing : current) {
            // the common refresh, the same URI text again, is recognised without canonicalising either URI
            boolean sameText = entry.regId() == null && !existing.isOutboundFlow()
                    && existing.contactUri().equals(entry.spec().uri());
            if (sameText || entry.names(existing)) {
                return existing;
            }
        }
        return null;
    }

    /**
     * {@code stored} when it equals {@code fresh}, else {@code fresh}. A refresh mostly repeats what its binding
     * holds (Contact URI, flow, and with a well-behaved UA the Call-ID, RFC 3261 §10.2.4); keeping the stored
     * objects means the texts parsed from this REGISTER die young, and only the new record survives until the next
     * refresh. Each value that lives that long is copied by every young collection it meets (two to three at
     * 2,500 REGISTER/s with 16 s refreshes): 4-10% fewer young survivors there, see the bench README's "tens-of-ms
     * stalls".
     */
    private static <T> T kept(T fresh, T stored) {
        return fresh != null && fresh.equals(stored) ? stored : fresh;
    }

    private static RegisterRejection reject(int status, String reason) {
        return new RegisterRejection(RegistrarOutcome.error(status, reason));
    }
}
