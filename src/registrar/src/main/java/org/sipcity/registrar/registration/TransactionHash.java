package org.sipcity.registrar.registration;

/**
 * An int naming one REGISTER transaction, kept with the bindings it writes and by the digest nonce-count tracker, so
 * that a retransmission of the transaction (the same request again: RFC 3261 §17.2.3 matches it by the top Via's
 * branch) is told from a new transaction that repeats its Call-ID and CSeq, or replays its credentials.
 * <p>
 * A retransmission reaches the registrar when the transaction layer no longer holds the completed transaction: over
 * TCP at once (Timer J is 0, §17.2.2), for instance when the UA resends on a new connection; over UDP when the
 * memory budget released it after T4 while the UA retransmits until 32 s.
 * <p>
 * 32 bits of hash, not the branch itself: an object per binding would cost more than the 4 bytes of padding the int
 * fills. A collision between two transactions with the same Call-ID and CSeq (chance 2^-32) only answers the second
 * as the first was answered, without applying it.
 */
public final class TransactionHash {

    /** RFC 3261 §8.1.1.7: a branch starting with the magic cookie is unique to its transaction. */
    private static final String MAGIC_COOKIE = "z9hG4bK";

    private TransactionHash() {
    }

    /**
     * @param topVia the topmost Via value as received, or {@code null}
     * @return the hash, never 0; 0 when the branch is missing or does not start with the magic cookie (an RFC 2543
     *         client: its branch need not be unique, so its retransmissions cannot be recognised)
     */
    public static int of(String topVia, String callId, long cseq) {
        String branch = branch(topVia);
        if (branch == null || !branch.startsWith(MAGIC_COOKIE) || callId == null) {
            return 0;
        }
        int h = branch.hashCode();
        h = 31 * h + callId.hashCode();
        h = 31 * h + Long.hashCode(cseq);
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }

    /**
     * The branch parameter of the first Via value, or {@code null}; the parameter name is case-insensitive (§7.3.1).
     */
    static String branch(String via) {
        if (via == null) {
            return null;
        }
        int comma = via.indexOf(',');
        if (comma >= 0) {
            via = via.substring(0, comma);   // a header line holding several values: the topmost only
        }
        int from = 0;
        while (true) {
            int semicolon = via.indexOf(';', from);
            if (semicolon < 0) {
                return null;
            }
            int start = semicolon + 1;
            while (start < via.length() && Character.isWhitespace(via.charAt(start))) {
                start++;
            }
            if (via.regionMatches(true, start, "branch", 0, 6)) {
                int equals = start + 6;
                while (equals < via.length() && Character.isWhitespace(via.charAt(equals))) {
                    equals++;
                }
                if (equals < via.length() && via.charAt(equals) == '=') {
                    int value = equals + 1;
                    while (value < via.length() && Character.isWhitespace(via.charAt(value))) {
                        value++;
                    }
                    int end = value;
                    while (end < via.length() && via.charAt(end) != ';' && via.charAt(end) != ','
                            && !Character.isWhitespace(via.charAt(end))) {
                        end++;
                    }
                    return end > value ? via.substring(value, end) : null;
                }
            }
            from = start;
        }
    }
}
