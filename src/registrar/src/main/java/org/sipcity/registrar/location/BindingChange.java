package org.sipcity.registrar.location;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** The bindings after this change is applied to {@code current}. */
    public List<ContactBinding> applyTo(List<ContactBinding> current) {
        Map<String, ContactBinding> byKey = new LinkedHashMap<>();
        if (!removeAll) {
            current.forEach(binding -> byKey.put(binding.key(), binding));
        }
        removedKeys.forEach(byKey::remove);
        saved.forEach(binding -> byKey.put(binding.key(), binding));
        return List.copyOf(byKey.values());
    }
}
