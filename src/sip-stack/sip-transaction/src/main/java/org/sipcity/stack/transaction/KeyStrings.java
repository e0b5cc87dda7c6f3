package org.sipcity.stack.transaction;

/** Sizes of the strings in table keys, for the memory budget of completed transactions. */
final class KeyStrings {

    private KeyStrings() {
    }

    /**
     * Heap bytes of a string of SIP header text: the String object (24) and its Latin-1 byte array (16 + length,
     * rounded up to 8); 0 for {@code null}.
     */
    static int bytes(String value) {
        return value == null ? 0 : 24 + ((16 + value.length() + 7) & ~7);
    }
}
