package org.sipcity.stack.classify;

/**
 * The methods the classifier recognises by name (RFC 3261 §7.1 and the extensions a registrar and
 * outbound proxy meets every day). Any other method that is a valid token is {@link #EXTENSION}.
 *
 * <p>The ordinal is the method id packed by {@link FirstLineClassifier#classify}, small enough to index
 * per-method counters in an array.
 */
public enum KnownMethod {
    INVITE(false),
    /** RFC 3261 §17.1.1.3: acknowledges a final response to an INVITE. */
    ACK(true),
    /** RFC 3261 §15: ends a dialog. */
    BYE(true),
    /** RFC 3261 §9: cancels a pending INVITE. */
    CANCEL(true),
    REGISTER(false),
    OPTIONS(false),
    /** RFC 3262: acknowledges a reliable provisional response. */
    PRACK(true),
    SUBSCRIBE(false),
    NOTIFY(false),
    PUBLISH(false),
    INFO(false),
    REFER(false),
    MESSAGE(false),
    UPDATE(false),
    /** Any other method (RFC 3261 §7.1 {@code extension-method = token}): still a valid request. */
    EXTENSION(false);

    private static final KnownMethod[] BY_ID = values();

    private final boolean inDialogOnly;

    KnownMethod(boolean inDialogOnly) {
        this.inDialogOnly = inDialogOnly;
    }

    /**
     * Whether requests of this method only ever complete or end work already accepted (ACK, BYE, CANCEL, PRACK).
     * An overload valve lets these through: they finish work the server has already accepted (a call set up, a
     * transaction started), so refusing them wastes that work instead of shedding new work.
     */
    public boolean inDialogOnly() {
        return inDialogOnly;
    }

    /**
     * The method with the given id, as returned by {@link FirstLineClassifier#methodId(long)}; does not allocate.
     *
     * @throws IllegalArgumentException if {@code id} is not the id of a method
     */
    public static KnownMethod ofId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("Not a method id: " + id);
        }
        return BY_ID[id];
    }
}
