package org.sipcity.registrar.proxy;

import java.util.List;

import org.sipcity.registrar.location.ContactBinding;

/** Where a request for a local user goes, as decided by {@link LocalTargets}. */
public sealed interface TargetDecision {

    /** No such subscriber: 404 (RFC 3261 §21.4.4). */
    record UnknownUser() implements TargetDecision {
    }

    /** A subscriber with no current binding: 480 Temporarily Unavailable (§21.4.18). */
    record NotRegistered() implements TargetDecision {
    }

    /**
     * The bindings in q-value groups, highest first: each group is tried in parallel, the next group only when the
     * previous one produced no 2xx or 6xx (RFC 3261 §16.6 on processing targets by q-value).
     */
    record Groups(List<List<ContactBinding>> groups) implements TargetDecision {
        public Groups {
            groups = groups.stream().map(List::copyOf).toList();
        }
    }
}
