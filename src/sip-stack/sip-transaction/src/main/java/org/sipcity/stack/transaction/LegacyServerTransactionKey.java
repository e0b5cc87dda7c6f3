package org.sipcity.stack.transaction;

/**
 * RFC 3261 §17.2.3 fallback for a top Via branch without the magic cookie (RFC 2543 peers): a
 * request matches when Request-URI, To tag, From tag, Call-ID, CSeq and top Via match those of
 * the request that created the transaction.
 *
 * <p>An ACK matches an INVITE transaction with the CSeq number (not the method) and the To tag of
 * the response the transaction sent: the INVITE transaction registers a second key carrying that
 * tag when it sends its final response. A CANCEL looks for its INVITE with method INVITE (§9.2);
 * its Request-URI, To, From, Call-ID, CSeq number and Via equal the INVITE's (§9.1).
 *
 * <p>The Request-URI and top Via compare as text: a retransmission, and the ACK and CANCEL built
 * from the request by §17.1.1.3 and §9.1, repeat them verbatim.
 */
record LegacyServerTransactionKey(String requestUri, String toTag, String fromTag, String callId,
                                  long cseq, String method, String topVia) {

    /** Heap bytes of the key's own strings (the method name is a shared constant). */
    int stringBytes() {
        return KeyStrings.bytes(requestUri) + KeyStrings.bytes(toTag) + KeyStrings.bytes(fromTag)
                + KeyStrings.bytes(callId) + KeyStrings.bytes(topVia);
    }

    LegacyServerTransactionKey withToTag(String tag) {
        return new LegacyServerTransactionKey(requestUri, tag, fromTag, callId, cseq, method, topVia);
    }
}
