package org.sipcity.stack.transaction;

/** The four transaction state machines of RFC 3261 §17. */
public enum TransactionKind {
    /** §17.1.1, RFC 6026 §7.2. */
    INVITE_CLIENT,
    /** §17.1.2. */
    NON_INVITE_CLIENT,
    /** §17.2.1, RFC 6026 §7.1. */
    INVITE_SERVER,
    /** §17.2.2. */
    NON_INVITE_SERVER
}
