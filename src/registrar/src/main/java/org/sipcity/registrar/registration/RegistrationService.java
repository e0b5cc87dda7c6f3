package org.sipcity.registrar.registration;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

import org.sipcity.registrar.auth.AuthResult;
import org.sipcity.registrar.auth.DigestAuthenticator;
import org.sipcity.registrar.registration.RegistrarOutcome.Header;

/**
 * A REGISTER from end to end, in the order of RFC 3261 §10.3: domain and Require (steps 1-2), digest
 * authentication (step 3, 401 with WWW-Authenticate), authorisation (step 4: a subscriber registers only its own
 * AOR, else 403), then the binding rules (steps 5-8).
 */
public final class RegistrationService {

    private final Registrar registrar;
    private final DigestAuthenticator authenticator;
    private final Clock clock;

    /**
     * @param authenticator {@code null} for an open registrar that accepts any REGISTER (a trusted network only)
     */
    public RegistrationService(Registrar registrar, DigestAuthenticator authenticator, Clock clock) {
        this.registrar = registrar;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    /**
     * @param authorization every Authorization header value of the request
     */
    public RegistrarOutcome handle(RegisterRequest request, List<String> authorization) {
        RegistrarOutcome refused = registrar.precheck(request);
        if (refused != null) {
            return refused;
        }
        var now = clock.instant();
        if (authenticator != null) {
            // The realm is the domain, so one subscriber table serves several domains without clashes.
            String realm = request.requestDomain().toLowerCase(Locale.ROOT);
            AuthResult result = authenticator.authenticate("REGISTER", authorization, realm, now,
                    request.transaction());
            if (result instanceof AuthResult.Malformed malformed) {
                return RegistrarOutcome.error(400, malformed.reason());
            }
            if (result instanceof AuthResult.Challenge challenge) {
                Header[] headers = authenticator.challenges(realm, challenge.stale(), now).stream()
                        .map(value -> new Header("WWW-Authenticate", value)).toArray(Header[]::new);
                return RegistrarOutcome.error(401, "Unauthorized", headers);
            }
            AuthResult.Authenticated who = (AuthResult.Authenticated) result;
            // Step 4: "the registrar MUST ... determine if the authenticated user is authorized to modify
            // registrations for this address-of-record"; ours: the AOR is the subscriber's own.
            if (!AddressOfRecord.of(who.username(), who.realm()).equals(request.aor())) {
                return RegistrarOutcome.error(403, "Forbidden (not authorised for this address-of-record)");
            }
            // A retransmission of a request accepted before (RFC 3261 §17.2.3) is answered as before, not applied.
            return registrar.register(request, now, who.retransmission());
        }
        return registrar.register(request, now);
    }
}
