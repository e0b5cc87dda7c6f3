package org.sipcity.stack.transaction;

/**
 * RFC 3261 §17.1.3: a response matches a client transaction by the branch of its top Via and the
 * method of its CSeq (a CANCEL shares the branch of the INVITE it cancels, §9.1). The branch is
 * compared exactly: responses copy the Via byte for byte (§8.2.6.2), and we generated it.
 */
record ClientTransactionKey(String branch, String method) {
}
