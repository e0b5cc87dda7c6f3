package org.sipcity.stack.address;

import java.nio.charset.StandardCharsets;

/**
 * Received bytes seen as characters (ISO-8859-1: one byte, one char), so that the grammar checks the parser
 * runs on every message can read a value where it lies, before any String of it exists. A byte above 0x7F
 * reads as a char above 0x7F, which no SIP character class admits: a check over this view fails where
 * UTF-8 text begins and leaves such a value to the full grammar on a decoded String.
 *
 * <p>Offsets are those of the underlying array. Immutable view; the bytes must not change while it is read.
 */
public final class WireText implements CharSequence {

    private final byte[] bytes;

    public WireText(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int length() {
        return bytes.length;
    }

    @Override
    public char charAt(int index) {
        return (char) (bytes[index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
