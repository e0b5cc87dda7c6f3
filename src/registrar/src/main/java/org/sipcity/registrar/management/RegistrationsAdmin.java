package org.sipcity.registrar.management;

import java.time.Clock;
import java.util.List;

import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.location.LocationService;
import org.sipcity.registrar.registration.AddressOfRecord;
import org.sipcity.registrar.registration.Registrar;

/** {@link RegistrationsMXBean} on the registrar's own location table and AOR locks. */
public final class RegistrationsAdmin implements RegistrationsMXBean {

    private final Registrar registrar;
    private final LocationService locations;
    private final Clock clock;

    public RegistrationsAdmin(Registrar registrar, LocationService locations, Clock clock) {
        this.registrar = registrar;
        this.locations = locations;
        this.clock = clock;
    }

    @Override
    public long getBindingCount() {
        return totals().bindings();
    }

    @Override
    public long getAorCount() {
        return totals().addressesOfRecord();
    }

    @Override
    public List<BindingInfo> listBindings(String aor) {
        String canonical = AddressOfRecord.parse(aor);
        var now = clock.instant();
        try {
            return registrar.bindings(canonical, now).stream().map(binding -> new BindingInfo(binding, now)).toList();
        } catch (LocationException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    @Override
    public void removeBinding(String aor, String contact) {
        String canonical = AddressOfRecord.parse(aor);
        if (contact == null || contact.isBlank()) {
            throw new IllegalArgumentException("a contact URI is required");
        }
        boolean removed;
        try {
            removed = registrar.removeBinding(canonical, contact.strip(), clock.instant());
        } catch (LocationException e) {
            throw new IllegalStateException(e.getMessage());
        }
        if (!removed) {
            throw new IllegalArgumentException("no binding of " + canonical + " to " + contact.strip());
        }
    }

    @Override
    public int removeBindings(String aor) {
        String canonical = AddressOfRecord.parse(aor);
        try {
            return registrar.removeBindings(canonical, clock.instant());
        } catch (LocationException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private LocationService.Totals totals() {
        try {
            return locations.totals(clock.instant());
        } catch (LocationException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }
}
