package org.sipcity.stack.transaction;

/**
 * RFC 3261 §17.2.3 for a branch with the magic cookie: the branch and sent-by of the top Via and
 * the method (INVITE for an ACK, and for a CANCEL looking for its target, §9.2).
 *
 * <p>Branch and port compare exactly (a retransmission repeats the Via); the host compares
 * case-insensitively, as host names do (RFC 3261 §19.1.4).
 */
record ServerTransactionKey(String branch, String sentByHost, int sentByPort, String method) {

    /** Heap bytes of the key's own strings (the method name is a shared constant), compact Latin-1 strings. */
    int stringBytes() {
        return KeyStrings.bytes(branch) + KeyStrings.bytes(sentByHost);
    }
}
