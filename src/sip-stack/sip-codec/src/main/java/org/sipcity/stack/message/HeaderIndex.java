package org.sipcity.stack.message;

import java.util.Arrays;

/**
 * The compact index of a message's header fields, in message order: for each field its name and, for a
 * field still as received, four offsets into the received bytes (field start, value start, value end without
 * trailing white space, field end after the CRLF). A field added or changed in code holds its value as text
 * instead (field start -1). Received values are turned into text only when read, then kept.
 *
 * <p>Built by the parser with {@link #addReceived}; owned by one message afterwards. Not thread-safe.
 */
public final class HeaderIndex {

    private static final int SLOTS = 4;

    private HeaderName[] names;
    private int[] offsets;
    /** Texts of fields read or set, by field; null until the first one (most received fields are never read). */
    private String[] values;
    private int size;

    public HeaderIndex() {
        this(16);
    }

    public HeaderIndex(int capacity) {
        int c = Math.max(capacity, 4);
        names = new HeaderName[c];
        offsets = new int[c * SLOTS];
    }

    /** Appends a received field; the offsets point into the message's received bytes. */
    public void addReceived(HeaderName name, int fieldStart, int valueStart, int valueEnd, int fieldEnd) {
        ensureCapacity(size + 1);
        names[size] = name;
        int o = size * SLOTS;
        offsets[o] = fieldStart;
        offsets[o + 1] = valueStart;
        offsets[o + 2] = valueEnd;
        offsets[o + 3] = fieldEnd;
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
        return offsets[i * SLOTS] >= 0;
    }

    public int fieldStart(int i) {
        return offsets[i * SLOTS];
    }

    public int valueStart(int i) {
        return offsets[i * SLOTS + 1];
    }

    public int valueEnd(int i) {
        return offsets[i * SLOTS + 2];
    }

    public int fieldEnd(int i) {
        return offsets[i * SLOTS + 3];
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
            v = HeaderValues.text(wire, offsets[o + 1], offsets[o + 2]);
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
        System.arraycopy(offsets, i * SLOTS, offsets, (i + 1) * SLOTS, (size - i) * SLOTS);
        names[i] = name;
        t[i] = value;
        Arrays.fill(offsets, i * SLOTS, (i + 1) * SLOTS, -1);
        size++;
    }

    void remove(int i) {
        System.arraycopy(names, i + 1, names, i, size - i - 1);
        if (values != null) {
            System.arraycopy(values, i + 1, values, i, size - i - 1);
            values[size - 1] = null;
        }
        System.arraycopy(offsets, (i + 1) * SLOTS, offsets, i * SLOTS, (size - i - 1) * SLOTS);
        size--;
        names[size] = null;
    }

    /** Replaces field i by a text field of the same name. */
    void replace(int i, String value) {
        texts()[i] = value;
        Arrays.fill(offsets, i * SLOTS, (i + 1) * SLOTS, -1);
    }

    /** Appends field i of {@code other} as it is (received offsets stay valid when both share the bytes). */
    void copyField(HeaderIndex other, int i) {
        ensureCapacity(size + 1);
        names[size] = other.names[i];
        String text = other.cachedValue(i);
        if (text != null) {
            texts()[size] = text;
        }
        System.arraycopy(other.offsets, i * SLOTS, offsets, size * SLOTS, SLOTS);
        size++;
    }

    private void ensureCapacity(int needed) {
        if (needed > names.length) {
            int c = Math.max(needed, names.length * 2);
            names = Arrays.copyOf(names, c);
            if (values != null) {
                values = Arrays.copyOf(values, c);
            }
            offsets = Arrays.copyOf(offsets, c * SLOTS);
        }
    }
}
