package org.sipcity.registrar.location;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One binding of an address-of-record to a contact (RFC 3261 §10), immutable: the location service hands the same
 * instances to every reader without copying.
 * <p>
 * One exists in memory per registered flow, so it is kept compact: the expiry is a number, not an {@link Instant}
 * object, a User-Agent shared by many phones is stored once ({@link SharedTexts}), and a UUID {@code +sip.instance}
 * and an IPv4 flow are kept as two longs each ({@link InstanceId}, {@link FlowToken}).
 *
 * @param aor        canonical address-of-record, {@code sip:user@domain}
 * @param contactUri the contact URI as registered
 * @param expiresAtMillis when the binding lapses, in milliseconds since the epoch
 * @param qMillis    the q-value in thousandths (RFC 3261 qvalue has at most three decimals), or -1 when none was given
 * @param callId     Call-ID of the REGISTER that last wrote the binding (§10.3 step 7)
 * @param cseq       its CSeq number (RFC 3261 §8.1.1.5: below 2**31, so an int; the stack refuses larger ones)
 * @param path       Path header values of that REGISTER (RFC 3327 §5.3), empty when none
 * @param instanceId {@code +sip.instance} (RFC 5626) as registered, or {@code null}
 * @param regId      {@code reg-id} (RFC 5626), or {@code null}; set only when the binding is an outbound flow
 * @param flowToken  the flow the REGISTER came over ({@code FlowAddress.token()}), set only for outbound flows
 * @param source     the transport source of the REGISTER (same token form), for every binding, or {@code null}; the
 *                   same object as {@code flowToken} when both are set
 * @param userAgent  User-Agent of the REGISTER, or {@code null}
 * @param ownerNode  the cluster node that stored the binding and holds its flow (docs/CLUSTERING.md), or {@code null}
 *                   on a single node and for bindings not read back from a shared database yet
 * @param transaction a hash of the REGISTER transaction that last wrote the binding
 *                   ({@code registration.TransactionHash}: top Via branch, Call-ID, CSeq), or 0 when unknown (read
 *                   from the database, or a client without an RFC 3261 branch). It tells a retransmission of that
 *                   transaction, answered 200 again, from a new transaction repeating its CSeq, refused with 500
 *                   (§10.3 step 7). An int beside the int CSeq fills the 4 bytes after the object header: the record
 *                   stays 72 B (JOL layout, tests/SCALE.md).
 */
public record ContactBinding(String aor, String contactUri, long expiresAtMillis, int qMillis, String callId, int cseq,
        List<String> path, InstanceId instanceId, Integer regId, FlowToken flowToken, FlowToken source,
        String userAgent, String ownerNode, int transaction) {

    /**
     * The longest values a binding stores (the database's column widths): the registrar refuses a REGISTER that
     * exceeds them with 400 rather than accept a binding the location service could not write.
     */
    public static final int MAX_AOR_LENGTH = 255;
    public static final int MAX_URI_LENGTH = 1024;
    public static final int MAX_TEXT_LENGTH = 255;
    /** All Path values of one REGISTER, joined by one newline each. */
    public static final int MAX_PATH_LENGTH = 2048;

    private static final String FLOW_KEY_PREFIX = "flow:";
    private static final String URI_KEY_PREFIX = "uri:";

    /** A binding with no owner node recorded (one node). */
    public ContactBinding(String aor, String contactUri, Instant expiresAt, int qMillis, String callId, long cseq,
            List<String> path, InstanceId instanceId, Integer regId, FlowToken flowToken, FlowToken source,
            String userAgent) {
        this(aor, contactUri, expiresAt, qMillis, callId, cseq, path, instanceId, regId, flowToken, source, userAgent,
                null);
    }

    public ContactBinding(String aor, String contactUri, Instant expiresAt, int qMillis, String callId, long cseq,
            List<String> path, InstanceId instanceId, Integer regId, FlowToken flowToken, FlowToken source,
            String userAgent, String ownerNode) {
        this(aor, contactUri, expiresAt.toEpochMilli(), qMillis, callId, cseq, path, instanceId, regId, flowToken,
                source, userAgent, ownerNode);
    }

    /** A binding whose writing transaction is unknown (read from the database, made by administration or tests). */
    public ContactBinding(String aor, String contactUri, long expiresAtMillis, int qMillis, String callId, long cseq,
            List<String> path, InstanceId instanceId, Integer regId, FlowToken flowToken, FlowToken source,
            String userAgent, String ownerNode) {
        this(aor, contactUri, expiresAtMillis, qMillis, callId, sequence(cseq), path, instanceId, regId, flowToken,
                source, userAgent, ownerNode, 0);
    }

    private static int sequence(long cseq) {
        if (cseq < 0 || cseq > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CSeq must be below 2**31 (RFC 3261 §8.1.1.5): " + cseq);
        }
        return (int) cseq;
    }

    public ContactBinding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contactUri, "contactUri");
        Objects.requireNonNull(callId, "callId");
        path = List.copyOf(path);
        userAgent = SharedTexts.share(userAgent);
    }

    /** When the binding lapses. */
    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    /**
     * The identity of the binding within its AOR. RFC 5626 §6: with {@code +sip.instance} and {@code reg-id} the
     * pair names the flow and a newer registration of the pair replaces the older whatever its Contact URI;
     * otherwise the Contact URI names the binding (RFC 3261 §10.3 step 7).
     */
    public String key() {
        if (instanceId != null && regId != null) {
            // keyOf's text, built without a String of the instance id first
            return instanceId.appendTo(new StringBuilder(64).append(FLOW_KEY_PREFIX)).append(';').append(regId).toString();
        }
        return keyOf(contactUri, null, null);
    }

    public static String keyOf(String contactUri, String instanceId, Integer regId) {
        if (instanceId != null && regId != null) {
            return FLOW_KEY_PREFIX + instanceId + ';' + regId;
        }
        return URI_KEY_PREFIX + ContactUris.canonical(contactUri);
    }

    /**
     * Whether {@link #key()} equals {@code other.key()}, without building either key in the common cases (a binding
     * is matched against others several times per REGISTER).
     */
    public boolean hasSameKeyAs(ContactBinding other) {
        if (isOutboundFlow() != other.isOutboundFlow()) {
            return false;   // "flow:..." against "uri:..."
        }
        if (isOutboundFlow()) {
            return regId.equals(other.regId) && instanceId.equals(other.instanceId);
        }
        return contactUri.equals(other.contactUri)
                || ContactUris.canonical(contactUri).equals(ContactUris.canonical(other.contactUri));
    }

    /** Whether {@link #key()} equals {@link #keyOf keyOf(contactUri, instanceId, regId)}, built in neither case. */
    public boolean hasKeyOf(String contactUri, String instanceId, Integer regId) {
        if (instanceId != null && regId != null) {
            return isOutboundFlow() && this.regId.equals(regId) && this.instanceId.equals(InstanceId.of(instanceId));
        }
        return !isOutboundFlow() && ContactUris.canonical(this.contactUri).equals(ContactUris.canonical(contactUri));
    }

    /** Whether {@link #key()} equals {@code key}; a contact-URI key is compared without building this one. */
    public boolean hasKey(String key) {
        if (isOutboundFlow()) {
            return key.startsWith(FLOW_KEY_PREFIX) && key().equals(key);
        }
        String canonical = ContactUris.canonical(contactUri);
        return key.length() == URI_KEY_PREFIX.length() + canonical.length() && key.startsWith(URI_KEY_PREFIX)
                && key.regionMatches(URI_KEY_PREFIX.length(), canonical, 0, canonical.length());
    }

    /**
     * Whether the REGISTER transaction identified by {@code callId}, {@code cseq} and {@code transaction} (a
     * {@code TransactionHash}, 0 when unknown) is the one that last wrote this binding: a retransmission of it.
     */
    public boolean writtenBy(String callId, long cseq, int transaction) {
        return transaction != 0 && this.transaction == transaction && this.cseq == cseq
                && this.callId.equals(callId);
    }

    /** Whether another cluster node owns this binding: only that node can reach its flow. */
    public boolean isOwnedByAnotherNode(String thisNode) {
        return thisNode != null && ownerNode != null && !ownerNode.equals(thisNode);
    }

    /** Whether cluster node {@code thisNode} owns this binding (false on a single node). */
    public boolean isOwnedBy(String thisNode) {
        return thisNode != null && thisNode.equals(ownerNode);
    }

    /** This binding as stored by node {@code node}. */
    public ContactBinding ownedBy(String node) {
        return new ContactBinding(aor, contactUri, expiresAtMillis, qMillis, callId, cseq, path, instanceId, regId,
                flowToken, source, userAgent, node, transaction);
    }

    /** Whether this binding is an RFC 5626 outbound flow (requests must use the flow it registered over). */
    public boolean isOutboundFlow() {
        return regId != null && instanceId != null;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAtMillis <= now.toEpochMilli();
    }

    /** Seconds left at {@code now}, never negative (the "expires" parameter of the 200 OK, §10.3 step 8). */
    public long remainingSeconds(Instant now) {
        long millis = expiresAtMillis - now.toEpochMilli();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
