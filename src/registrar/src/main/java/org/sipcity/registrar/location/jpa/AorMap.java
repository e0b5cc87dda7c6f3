package org.sipcity.registrar.location.jpa;

import java.util.Objects;

/**
 * A map from AOR to one value with open addressing (linear probing), for the write-back flusher's record of stored rows:
 * two parallel arrays and no entry object, about 16 B per AOR at its usual fill against about 39 B for a {@link
 * java.util.HashMap} (a 32 B node and the table's share). The AOR strings are the ones the caller holds already.
 * No null keys or values; not thread-safe (the flusher uses it under its lock); no iteration, since nothing walks it.
 */
final class AorMap<V> {

    private static final int MIN_CAPACITY = 16;

    private String[] keys;
    private Object[] values;
    private int size;

    AorMap() {
        keys = new String[MIN_CAPACITY];
        values = new Object[MIN_CAPACITY];
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(String key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            String k = keys[i];
            if (k == null) {
                return null;
            }
            if (k == key || k.equals(key)) {
                return (V) values[i];
            }
        }
    }

    /** @return the value {@code key} had, or null */
    @SuppressWarnings("unchecked")
    V put(String key, V value) {
        Objects.requireNonNull(value, "value");
        int mask = keys.length - 1;
        int i = slot(key, mask);
        for (; keys[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key || keys[i].equals(key)) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 4 > keys.length * 3) {
            resize(keys.length * 2);
        }
        return null;
    }

    /** @return the value {@code key} had, or null */
    @SuppressWarnings("unchecked")
    V remove(String key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        for (; ; i = (i + 1) & mask) {
            String k = keys[i];
            if (k == null) {
                return null;
            }
            if (k == key || k.equals(key)) {
                break;
            }
        }
        V old = (V) values[i];
        // Backward shift: every later entry of the run that could live at the freed slot moves there, so that no
        // lookup stops early at a hole (no tombstones to clean up later).
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            // j's entry may move to the hole when its home is not cyclically within (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = null;
        values[hole] = null;
        size--;
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
            resize(keys.length / 2);
        }
        return old;
    }

    private void resize(int capacity) {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new String[capacity];
        values = new Object[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = slot(oldKeys[j], mask);
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    /** The home slot: String's hash with its bits mixed (AORs share long prefixes and suffixes). */
    private static int slot(String key, int mask) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
