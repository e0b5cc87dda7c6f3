package org.sipcity.registrar.registration;

import java.time.Instant;

import org.sipcity.registrar.location.ContactBinding;

/** The Contact value of a binding in a 200 OK (§10.3 step 8: each with an "expires" parameter). */
final class ContactHeaders {

    private ContactHeaders() {
    }

    static String format(ContactBinding binding, Instant now) {
        StringBuilder sb = new StringBuilder(96).append('<').append(binding.contactUri()).append('>');
        if (binding.qMillis() >= 0) {
            sb.append(";q=").append(QValues.format(binding.qMillis()));
        }
        if (binding.instanceId() != null) {
            sb.append(";+sip.instance=\"").append(binding.instanceId().text()).append('"');
        }
        if (binding.regId() != null) {
            sb.append(";reg-id=").append(binding.regId());
        }
        return sb.append(";expires=").append(binding.remainingSeconds(now)).toString();
    }
}
