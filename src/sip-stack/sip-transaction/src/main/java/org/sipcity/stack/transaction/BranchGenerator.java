package org.sipcity.stack.transaction;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes Via branch parameters: the RFC 3261 magic cookie {@code z9hG4bK} followed by 120 random
 * bits in 20 token characters.
 *
 * <p>§8.1.1.7: the branch "MUST be unique across space and time for all requests sent by the UA"
 * and begin with the cookie, so that receivers use the §17.2.3 matching. 120 bits keep the chance
 * of a collision among even billions of live branches negligible. The value identifies, it does
 * not authenticate: a peer able to see it can forge it anyway (integrity comes from TLS).
 */
public final class BranchGenerator {

    /** RFC 3261 §8.1.1.7. */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    /** 64 characters, all legal in a SIP token (RFC 3261 §25.1). */
    private static final char[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.".toCharArray();
    private static final int RANDOM_CHARS = 20;

    private BranchGenerator() {
    }

    /** A fresh branch, {@code z9hG4bK} plus 20 random characters. */
    public static String newBranch() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] branch = new char[MAGIC_COOKIE.length() + RANDOM_CHARS];
        MAGIC_COOKIE.getChars(0, MAGIC_COOKIE.length(), branch, 0);
        long bits = random.nextLong();
        int pos = MAGIC_COOKIE.length();
        for (int i = 0; i < RANDOM_CHARS; i++) {
            if (i == 10) {
                bits = random.nextLong();
            }
            branch[pos++] = ALPHABET[(int) (bits & 63)];
            bits >>>= 6;
        }
        return new String(branch);
    }

    /** Whether {@code branch} carries the RFC 3261 magic cookie (case-sensitive, as it is generated). */
    public static boolean hasMagicCookie(String branch) {
        return branch != null && branch.startsWith(MAGIC_COOKIE);
    }
}
