package org.sipcity.stack.message;

import java.util.Arrays;

/**
 * The compact index of a message's header fields, in message order: for each field its name and, for a
 * field still as received, four offsets into the received bytes (field start, value start, value end without
 * trailing white space, field end after the CRLF). A field added or changed in code holds its value as text
 * instead (field start -1). Received values are turned into text only when read, then kept.
 *
 * <p>Offsets are kept in 16 bits while they fit (a message under 64 KiB: nearly all), halving the index's largest
 * array; the first offset that does not fit widens them to 32 bits.
 *
 * <p>Built by the parser with {@link #addReceived}; owned by one message afterwards. Not thread-safe.
 */
public final class HeaderIndex {

    private static final int SLOTS = 4;

    /** The largest offset the 16-bit form holds: offset + 1 is stored, 0 for "not received". */
    private static final int NARROW_MAX = 0xFFFE;

    private HeaderName[] names;
    /** Offsets + 1 in 16 bits, or null once {@link #wideOffsets} took over. */
    private char[] narrowOffsets;
    private int[] wideOffsets;
    /** Texts of fields read or set, by field; null until the first one (most received fields are never read). */
    private String[] values;
    private int size;

    public HeaderIndex() {
        this(16);
    }

    public HeaderIndex(int capacity) {
        int c = Math.max(capacity, 4);
        names = new HeaderName[c];
        narrowOffsets = new char[c * SLOTS];
    }

    /** Appends a received field; the offsets point into the message's received bytes. */
    public void addReceived(HeaderName name, int fieldStart, int valueStart, int valueEnd, int fieldEnd) {
        ensureCapacity(size + 1);
        names[size] = name;
        int o = size * SLOTS;
        setOffset(o, fieldStart);
        setOffset(o + 1, valueStart);
        setOffset(o + 2, valueEnd);
        setOffset(o + 3, fieldEnd);
        size++;
    }

    public int size() {
        return size;
    }

    public HeaderName name(int i) {
        return names[i];
    }

    /** Whether field i is as received (its bytes can be copied on output). */
    public boolean isReceived(int i) {
        return offset(i * SLOTS) >= 0;
    }

    public int fieldStart(int i) {
        return offset(i * SLOTS);
    }

    public int valueStart(int i) {
        return offset(i * SLOTS + 1);
    }

    public int valueEnd(int i) {
        return offset(i * SLOTS + 2);
    }

    public int fieldEnd(int i) {
        return offset(i * SLOTS + 3);
    }

    /** The first field of that name at or after {@code from}, or -1. */
    public int indexOf(HeaderName name, int from) {
        for (int i = from; i < size; i++) {
            if (names[i] == name || names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    String cachedValue(int i) {
        return values == null ? null : values[i];
    }

    /**
     * The value of field i as text: for a received field the bytes of {@code wire} turned into text once
     * (unfolded, see {@link HeaderValues#text}) and kept; for a field set in code its text.
     */
    public String value(byte[] wire, int i) {
        String v = cachedValue(i);
        if (v == null) {
            int o = i * SLOTS;
            v = HeaderValues.text(wire, offset(o + 1), offset(o + 2));
            texts()[i] = v;
        }
        return v;
    }

    private String[] texts() {
        String[] t = values;
        if (t == null) {
            values = t = new String[names.length];
        }
        return t;
    }

    /** Inserts a field holding {@code value} as text at position i. */
    void insert(int i, HeaderName name, String value) {
        ensureCapacity(size + 1);
        String[] t = texts();
        System.arraycopy(names, i, names, i + 1, size - i);
        System.arraycopy(t, i, t, i + 1, size - i);
        moveOffsets(i * SLOTS, (i + 1) * SLOTS, (size - i) * SLOTS);
        names[i] = name;
        t[i] = value;
        clearOffsets(i);
        size++;
    }

    void remove(int i) {
        System.arraycopy(names, i + 1, names, i, size - i - 1);
        if (values != null) {
            System.arraycopy(values, i + 1, values, i, size - i - 1);
            values[size - 1] = null;
        }
        moveOffsets((i + 1) * SLOTS, i * SLOTS, (size - i - 1) * SLOTS);
        size--;
        names[size] = null;
    }

    /** Replaces field i by a text field of the same name. */
    void replace(int i, String value) {
        texts()[i] = value;
        clearOffsets(i);
    }

    /** Appends field i of {@code other} as it is (received offsets stay valid when both share the bytes). */
    void copyField(HeaderIndex other, int i) {
        ensureCapacity(size + 1);
        names[size] = other.names[i];
        String text = other.cachedValue(i);
        if (text != null) {
            texts()[size] = text;
        }
        for (int k = 0; k < SLOTS; k++) {
            setOffset(size * SLOTS + k, other.offset(i * SLOTS + k));
        }
        size++;
    }

    private void ensureCapacity(int needed) {
        if (needed > names.length) {
            int c = Math.max(needed, names.length * 2);
            names = Arrays.copyOf(names, c);
            if (values != null) {
                values = Arrays.copyOf(values, c);
            }
            if (narrowOffsets != null) {
                narrowOffsets = Arrays.copyOf(narrowOffsets, c * SLOTS);
            } else {
                wideOffsets = Arrays.copyOf(wideOffsets, c * SLOTS);
            }
        }
    }

    private int offset(int slot) {
        char[] narrow = narrowOffsets;
        return narrow != null ? narrow[slot] - 1 : wideOffsets[slot];
    }

    private void setOffset(int slot, int value) {
        if (narrowOffsets != null && value > NARROW_MAX) {
            widen();
        }
        if (narrowOffsets != null) {
            narrowOffsets[slot] = (char) (value + 1);
        } else {
            wideOffsets[slot] = value;
        }
    }

    private void widen() {
        int[] wide = new int[narrowOffsets.length];
        for (int k = 0; k < wide.length; k++) {
            wide[k] = narrowOffsets[k] - 1;
        }
        wideOffsets = wide;
        narrowOffsets = null;
    }

    private void moveOffsets(int from, int to, int length) {
        if (narrowOffsets != null) {
            System.arraycopy(narrowOffsets, from, narrowOffsets, to, length);
        } else {
            System.arraycopy(wideOffsets, from, wideOffsets, to, length);
        }
    }

    /** Marks field i as not received (its value is text). */
    private void clearOffsets(int i) {
        for (int k = 0; k < SLOTS; k++) {
            setOffset(i * SLOTS + k, -1);
        }
    }
}
