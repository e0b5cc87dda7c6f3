package org.sipcity.registrar.registration;

import java.util.Objects;

/**
 * One Contact header field value of a REGISTER, as received: the URI and the raw parameters the registrar rules
 * read. Values are kept as text so the rules, not the parser, decide what is malformed (RFC 3261 §10.3 step 6).
 *
 * @param uri        the contact URI (without the display name and header parameters), or {@code "*"} for the wildcard
 * @param expires    the {@code expires} parameter text, or {@code null} when absent
 * @param q          the {@code q} parameter text, or {@code null} when absent
 * @param instanceId the {@code +sip.instance} parameter (RFC 5626 §4.1) without its quotes, or {@code null}
 * @param regId      the {@code reg-id} parameter text (RFC 5626 §4.2), or {@code null}
 */
public record ContactSpec(String uri, String expires, String q, String instanceId, String regId) {

    public ContactSpec {
        Objects.requireNonNull(uri, "uri");
    }

    /** A plain contact with no parameters. */
    public static ContactSpec of(String uri) {
        return new ContactSpec(uri, null, null, null, null);
    }

    /** The {@code Contact: *} value of a "remove all bindings" REGISTER. */
    public static ContactSpec wildcard() {
        return new ContactSpec("*", null, null, null, null);
    }

    public boolean isWildcard() {
        return "*".equals(uri);
    }
}
