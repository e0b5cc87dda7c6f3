package org.sipcity.registrar.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.sipcity.registrar.location.ContactBinding;

/**
 * The answer to a REGISTER as a value: status, reason phrase, header fields to add and, for a 2xx, the current
 * bindings. The servlet turns it into a SipServletResponse; tests read it directly.
 */
public record RegistrarOutcome(int status, String reason, List<Header> headers, List<ContactBinding> bindings) {

    /** One header field to add, in order. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public RegistrarOutcome {
        Objects.requireNonNull(reason, "reason");
        headers = List.copyOf(headers);
        bindings = List.copyOf(bindings);
    }

    public static RegistrarOutcome error(int status, String reason, Header... headers) {
        return new RegistrarOutcome(status, reason, List.of(headers), List.of());
    }

    /** Every value of the named header field, in order (case-insensitive name). */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                values.add(header.value());
            }
        }
        return values;
    }

    /** The first value of the named header field, or {@code null}. */
    public String header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? null : values.get(0);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
