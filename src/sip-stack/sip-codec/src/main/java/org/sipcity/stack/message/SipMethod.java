package org.sipcity.stack.message;

import org.sipcity.stack.address.SipChars;

/**
 * Request methods. The RFC methods are singletons; an extension method is a new instance equal to others of
 * the same name. Names are case-sensitive (RFC 3261 §7.1: "the method names are case-sensitive").
 */
public final class SipMethod {

    public static final SipMethod INVITE = new SipMethod("INVITE");
    public static final SipMethod ACK = new SipMethod("ACK");
    public static final SipMethod BYE = new SipMethod("BYE");
    public static final SipMethod CANCEL = new SipMethod("CANCEL");
    public static final SipMethod REGISTER = new SipMethod("REGISTER");
    public static final SipMethod OPTIONS = new SipMethod("OPTIONS");
    public static final SipMethod PRACK = new SipMethod("PRACK");          // RFC 3262
    public static final SipMethod SUBSCRIBE = new SipMethod("SUBSCRIBE");  // RFC 6665
    public static final SipMethod NOTIFY = new SipMethod("NOTIFY");        // RFC 6665
    public static final SipMethod PUBLISH = new SipMethod("PUBLISH");      // RFC 3903
    public static final SipMethod INFO = new SipMethod("INFO");            // RFC 6086
    public static final SipMethod REFER = new SipMethod("REFER");          // RFC 3515
    public static final SipMethod MESSAGE = new SipMethod("MESSAGE");      // RFC 3428
    public static final SipMethod UPDATE = new SipMethod("UPDATE");        // RFC 3311

    private static final SipMethod[] KNOWN = {INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, PRACK, SUBSCRIBE,
        NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE};

    private final String name;

    private SipMethod(String name) {
        this.name = name;
    }

    /** The method of that name; an extension method must be a token. */
    public static SipMethod of(String name) {
        for (SipMethod m : KNOWN) {
            if (m.name.equals(name)) {
                return m;
            }
        }
        if (!SipChars.isToken(name)) {
            throw new IllegalArgumentException("A method must be a token: " + name);
        }
        return new SipMethod(name);
    }

    /**
     * As {@link #of(String)} over {@code text[off, off+len)}, which the caller has checked to be a token (a
     * Request-Line or CSeq read in the received bytes); allocates only for an extension method.
     */
    public static SipMethod of(CharSequence text, int off, int len) {
        for (SipMethod m : KNOWN) {
            if (m.name.length() == len && regionEquals(m.name, text, off)) {
                return m;
            }
        }
        return new SipMethod(text.subSequence(off, off + len).toString());
    }

    /** Methods are case-sensitive (RFC 3261 §7.1). */
    private static boolean regionEquals(String name, CharSequence text, int off) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != text.charAt(off + i)) {
                return false;
            }
        }
        return true;
    }

    public String name() {
        return name;
    }

    /** Whether this is one of the methods above rather than an extension. */
    public boolean isKnown() {
        for (SipMethod m : KNOWN) {
            if (m == this) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof SipMethod other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
