package org.sipcity.stack.address;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.sipcity.stack.parser.SipParseException;

/**
 * Ordered parameters ({@code ;name=value} of URIs and header fields, {@code ?name=value} of URI headers).
 * Names compare case-insensitively (RFC 3261 §7.3.1, §19.1.4); a flag parameter has a {@code null} value.
 * Header parameter values are kept as written, quotes included ({@link #unquoted(String)} strips them); URI
 * parameter values are kept unescaped.
 *
 * <p>Parameters that belong to a parsed header or URI are read-only (those objects are immutable and may be
 * cached by the message); {@link #copy()} gives a modifiable copy.
 */
public final class Parameters {

    private static final Parameters EMPTY = new Parameters(List.of(), true);

    /** Names and values, alternating. */
    private List<String> entries;
    private boolean readOnly;
    /**
     * Whether {@link #entries} is still the list of the read-only instance this was copied from: a copy shares it
     * until its first change (the container copies the parameters of every URI and address it hands out, and
     * applications rarely change them).
     */
    private boolean shared;

    public Parameters() {
        this(new ArrayList<>(4), false);
    }

    private Parameters(List<String> entries, boolean readOnly) {
        this.entries = entries;
        this.readOnly = readOnly;
    }

    /** An empty, read-only instance. */
    public static Parameters empty() {
        return EMPTY;
    }

    private int indexOf(String name) {
        for (int i = 0; i < entries.size(); i += 2) {
            if (entries.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of {@code name}; null when absent or a flag (tell them apart with {@link #has}). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : entries.get(i + 1);
    }

    /** The value without its surrounding quotes and with quoted-pairs resolved. */
    public String unquoted(String name) {
        String v = get(name);
        return v == null ? null : TextCursor.unquote(v);
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** Sets {@code name} to {@code value} (null for a flag), in place if present, else at the end. */
    public Parameters set(String name, String value) {
        checkWritable();
        if (!SipChars.isToken(name)) {
            throw new IllegalArgumentException("Parameter name is not a token: " + name);
        }
        own();
        int i = indexOf(name);
        if (i >= 0) {
            entries.set(i + 1, value);
        } else {
            entries.add(name);
            entries.add(value);
        }
        return this;
    }

    public boolean remove(String name) {
        checkWritable();
        int i = indexOf(name);
        if (i < 0) {
            return false;
        }
        own();
        entries.remove(i + 1);
        entries.remove(i);
        return true;
    }

    /** Parameter names in order, as written. */
    public List<String> names() {
        List<String> names = new ArrayList<>(entries.size() / 2);
        for (int i = 0; i < entries.size(); i += 2) {
            names.add(entries.get(i));
        }
        return Collections.unmodifiableList(names);
    }

    public int size() {
        return entries.size() / 2;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    String nameAt(int index) {
        return entries.get(index * 2);
    }

    String valueAt(int index) {
        return entries.get(index * 2 + 1);
    }

    /** A modifiable copy; it shares a read-only instance's entries until it is changed. */
    public Parameters copy() {
        if (readOnly) {
            Parameters copy = new Parameters(entries, false);
            copy.shared = true;
            return copy;
        }
        return new Parameters(new ArrayList<>(entries), false);
    }

    /** Gives this instance a list of its own before its first change. */
    private void own() {
        if (shared) {
            entries = new ArrayList<>(entries);
            shared = false;
        }
    }

    Parameters readOnly() {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        readOnly = true;
        return this;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("Parameters of a parsed header are read-only; use copy()");
        }
    }

    /** Adds without the token check (the parser has checked). */
    void append(String name, String value) {
        own();
        entries.add(name);
        entries.add(value);
    }

    /** Writes {@code ;name=value} for each parameter, values as stored (header parameters). */
    void appendTo(StringBuilder sb) {
        for (int i = 0; i < entries.size(); i += 2) {
            sb.append(';').append(entries.get(i));
            String v = entries.get(i + 1);
            if (v != null) {
                sb.append('=').append(v);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Parameters other) || other.size() != size()) {
            return false;
        }
        for (int i = 0; i < entries.size(); i += 2) {
            int j = other.indexOf(entries.get(i));
            if (j < 0 || !java.util.Objects.equals(entries.get(i + 1), other.entries.get(j + 1))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < entries.size(); i += 2) {
            h += entries.get(i).toLowerCase(java.util.Locale.ROOT).hashCode();
        }
        return h;
    }

    /**
     * Reads {@code *( SEMI generic-param )} (RFC 3261 §25.1):
     * {@code generic-param = token [ EQUAL gen-value ]}, {@code gen-value = token / host / quoted-string}.
     */
    static Parameters parseGeneric(TextCursor c) throws SipParseException {
        return parseGeneric(c, false);
    }

    /**
     * As {@link #parseGeneric(TextCursor)}; with {@code viaReceived}, a {@code received} value may also be a
     * bare IPv6address (RFC 3261 §20.42 {@code via-received = "received" EQUAL (IPv4address / IPv6address)}).
     */
    static Parameters parseGeneric(TextCursor c, boolean viaReceived) throws SipParseException {
        Parameters params = null;
        while (c.trySeparator(';')) {
            String name = c.token();
            String value = null;
            if (c.trySeparator('=')) {
                value = viaReceived && name.equalsIgnoreCase("received") ? receivedValue(c) : genValue(c);
            }
            if (params == null) {
                params = new Parameters();
            }
            params.append(name, value);
        }
        return params == null ? EMPTY : params.readOnly();
    }

    private static String receivedValue(TextCursor c) throws SipParseException {
        int start = c.pos;
        while (c.pos < c.end) {
            char ch = c.text.charAt(c.pos);
            if (SipChars.hexValue(ch) < 0 && ch != ':' && ch != '.' && ch != '[' && ch != ']') {
                break;
            }
            c.pos++;
        }
        if (c.pos == start) {
            throw c.fail();
        }
        return c.slice(start, c.pos);
    }

    static String genValue(TextCursor c) throws SipParseException {
        int p = c.peek();
        if (p == '"') {
            return c.quotedString();
        }
        if (p == '[') {
            int start = c.pos;
            Hosts.parseIpv6Reference(c);
            return c.slice(start, c.pos);
        }
        return c.token();
    }
}
