package org.sipcity.registrar.registration;

import java.util.List;
import java.util.Objects;

/**
 * What the registrar needs from a REGISTER, already lifted out of the message by the servlet layer. No servlet
 * type appears here so the rules are tested without a container.
 *
 * @param aor            the address-of-record, canonical ({@link AddressOfRecord}), from the To header (§10.3 step 5)
 * @param requestDomain  the host of the Request-URI (§10.3 step 1)
 * @param contacts       every Contact value in order; empty for a fetch of the current bindings
 * @param expiresHeader  the Expires header text, or {@code null}
 * @param callId         the Call-ID
 * @param cseq           the CSeq sequence number
 * @param require        option-tags of the Require header fields (lower case)
 * @param supported      option-tags of the Supported header fields (lower case)
 * @param path           the Path header values in order (RFC 3327), empty when none
 * @param viaCount       the number of Via values: 1 means the registrar is the first hop (RFC 5626 §6)
 * @param flow           the connection the request came over, or {@code null} when unknown
 * @param userAgent      the User-Agent header, or {@code null}
 * @param transaction    {@link TransactionHash} of the request, 0 when unknown
 */
public record RegisterRequest(String aor, String requestDomain, List<ContactSpec> contacts, String expiresHeader,
        String callId, long cseq, List<String> require, List<String> supported, List<String> path, int viaCount,
        FlowAddress flow, String userAgent, int transaction) {

    /** A request whose transaction is not known: never taken for a retransmission. */
    public RegisterRequest(String aor, String requestDomain, List<ContactSpec> contacts, String expiresHeader,
            String callId, long cseq, List<String> require, List<String> supported, List<String> path, int viaCount,
            FlowAddress flow, String userAgent) {
        this(aor, requestDomain, contacts, expiresHeader, callId, cseq, require, supported, path, viaCount, flow,
                userAgent, 0);
    }

    public RegisterRequest {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(requestDomain, "requestDomain");
        Objects.requireNonNull(callId, "callId");
        contacts = List.copyOf(contacts);
        require = List.copyOf(require);
        supported = List.copyOf(supported);
        path = List.copyOf(path);
    }
}
