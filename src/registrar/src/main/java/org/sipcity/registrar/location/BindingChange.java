package org.sipcity.registrar.location;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every binding update of one REGISTER, applied all or nothing: RFC 3261 §10.3 step 7 "The binding updates MUST be
 * committed (that is, made visible to the proxy or redirect server) if and only if all binding updates and additions
 * succeed."
 *
 * @param aor        the address-of-record
 * @param saved      bindings to add or replace (matched on {@link ContactBinding#key()})
 * @param removedKeys keys of bindings to remove
 * @param removeAll  whether every binding of the AOR goes first (the {@code Contact: *} request)
 */
public record BindingChange(String aor, List<ContactBinding> saved, List<String> removedKeys, boolean removeAll) {

    public BindingChange {
        Objects.requireNonNull(aor, "aor");
        saved = List.copyOf(saved);
        removedKeys = List.copyOf(removedKeys);
    }

    public boolean isEmpty() {
        return saved.isEmpty() && removedKeys.isEmpty() && !removeAll;
    }

    /**
     * The bindings after this change is applied to {@code current}: bindings keep their place, a saved binding
     * replaces the one of its key where it stood or, if new (or removed by this change first), goes last. Matched
     * by {@link ContactBinding#hasSameKeyAs} over an array: AORs hold a handful of bindings, and this runs twice per
     * REGISTER (a map of built keys was the largest allocation of the registrar's own code).
     */
    public List<ContactBinding> applyTo(List<ContactBinding> current) {
        List<ContactBinding> base = removeAll ? List.of() : current;
        ContactBinding[] next = new ContactBinding[base.size() + saved.size()];
        int size = 0;
        for (ContactBinding binding : base) {
            size = put(next, size, binding);
        }
        if (!removedKeys.isEmpty()) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (!isRemoved(next[i])) {
                    next[kept++] = next[i];
                }
            }
            size = kept;
        }
        for (ContactBinding binding : saved) {
            size = put(next, size, binding);
        }
        return List.of(size == next.length ? next : Arrays.copyOf(next, size));
    }

    /** Replaces the binding of the same key in {@code bindings[0, size)}, or appends; returns the new size. */
    private static int put(ContactBinding[] bindings, int size, ContactBinding binding) {
        for (int i = 0; i < size; i++) {
            if (bindings[i].hasSameKeyAs(binding)) {
                bindings[i] = binding;
                return size;
            }
        }
        bindings[size] = binding;
        return size + 1;
    }

    private boolean isRemoved(ContactBinding binding) {
        for (String key : removedKeys) {
            if (binding.hasKey(key)) {
                return true;
            }
        }
        return false;
    }
}
