package org.sipcity.stack.message;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.sipcity.stack.address.SipChars;

/**
 * Interned header field names. Known names are singletons; compact forms (RFC 3261 §7.3.3 and the RFCs that
 * added more) resolve to the long form; lookups are case-insensitive (RFC 3261 §7.3.1). An unknown name gives
 * a new instance that equals any other of the same name in any case.
 *
 * <p>{@link #of(byte[], int, int)} finds a known name without allocating: a case-folded hash into an
 * open-addressed table, then a case-insensitive byte comparison.
 */
public final class HeaderName {

    private static final int TABLE_SIZE = 512;
    private static final HeaderName[] TABLE = new HeaderName[TABLE_SIZE];
    private static final HeaderName[] COMPACT = new HeaderName[26];
    private static final byte[] LOWER = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
        }
    }

    // RFC 3261 §20 unless noted; 'true' marks the names whose values may be combined with commas (§7.3.1)
    public static final HeaderName VIA = known("Via", 'v', true);
    public static final HeaderName FROM = known("From", 'f', false);
    public static final HeaderName TO = known("To", 't', false);
    public static final HeaderName CALL_ID = known("Call-ID", 'i', false);
    public static final HeaderName CSEQ = known("CSeq", (char) 0, false);
    public static final HeaderName CONTACT = known("Contact", 'm', true);
    public static final HeaderName CONTENT_LENGTH = known("Content-Length", 'l', false);
    public static final HeaderName CONTENT_TYPE = known("Content-Type", 'c', false);
    public static final HeaderName CONTENT_ENCODING = known("Content-Encoding", 'e', true);
    public static final HeaderName MAX_FORWARDS = known("Max-Forwards", (char) 0, false);
    public static final HeaderName ROUTE = known("Route", (char) 0, true);
    public static final HeaderName RECORD_ROUTE = known("Record-Route", (char) 0, true);
    public static final HeaderName EXPIRES = known("Expires", (char) 0, false);
    public static final HeaderName MIN_EXPIRES = known("Min-Expires", (char) 0, false);
    public static final HeaderName REQUIRE = known("Require", (char) 0, true);
    public static final HeaderName SUPPORTED = known("Supported", 'k', true);
    public static final HeaderName UNSUPPORTED = known("Unsupported", (char) 0, true);
    public static final HeaderName PROXY_REQUIRE = known("Proxy-Require", (char) 0, true);
    public static final HeaderName ALLOW = known("Allow", (char) 0, true);
    public static final HeaderName ACCEPT = known("Accept", (char) 0, true);
    public static final HeaderName ACCEPT_ENCODING = known("Accept-Encoding", (char) 0, true);
    public static final HeaderName ACCEPT_LANGUAGE = known("Accept-Language", (char) 0, true);
    // credentials and challenges hold commas inside their parameters and are never combined (§7.3.1)
    public static final HeaderName AUTHORIZATION = known("Authorization", (char) 0, false);
    public static final HeaderName PROXY_AUTHORIZATION = known("Proxy-Authorization", (char) 0, false);
    public static final HeaderName WWW_AUTHENTICATE = known("WWW-Authenticate", (char) 0, false);
    public static final HeaderName PROXY_AUTHENTICATE = known("Proxy-Authenticate", (char) 0, false);
    public static final HeaderName AUTHENTICATION_INFO = known("Authentication-Info", (char) 0, false);
    public static final HeaderName PATH = known("Path", (char) 0, true);                       // RFC 3327
    public static final HeaderName SERVICE_ROUTE = known("Service-Route", (char) 0, true);     // RFC 3608
    public static final HeaderName RETRY_AFTER = known("Retry-After", (char) 0, false);
    public static final HeaderName USER_AGENT = known("User-Agent", (char) 0, false);
    public static final HeaderName SERVER = known("Server", (char) 0, false);
    public static final HeaderName DATE = known("Date", (char) 0, false);
    public static final HeaderName TIMESTAMP = known("Timestamp", (char) 0, false);
    public static final HeaderName EVENT = known("Event", 'o', false);                         // RFC 6665
    public static final HeaderName ALLOW_EVENTS = known("Allow-Events", 'u', true);            // RFC 6665
    public static final HeaderName SUBSCRIPTION_STATE = known("Subscription-State", (char) 0, false);
    public static final HeaderName SUBJECT = known("Subject", 's', false);
    public static final HeaderName REFER_TO = known("Refer-To", 'r', false);                   // RFC 3515
    public static final HeaderName REFERRED_BY = known("Referred-By", 'b', false);             // RFC 3892
    public static final HeaderName FLOW_TIMER = known("Flow-Timer", (char) 0, false);          // RFC 5626
    public static final HeaderName WARNING = known("Warning", (char) 0, true);
    public static final HeaderName SESSION_EXPIRES = known("Session-Expires", 'x', false);     // RFC 4028
    public static final HeaderName MIN_SE = known("Min-SE", (char) 0, false);                  // RFC 4028
    public static final HeaderName RSEQ = known("RSeq", (char) 0, false);                      // RFC 3262
    public static final HeaderName RACK = known("RAck", (char) 0, false);                      // RFC 3262
    public static final HeaderName ACCEPT_CONTACT = known("Accept-Contact", 'a', true);        // RFC 3841
    public static final HeaderName REJECT_CONTACT = known("Reject-Contact", 'j', true);        // RFC 3841
    public static final HeaderName REQUEST_DISPOSITION = known("Request-Disposition", 'd', true); // RFC 3841
    public static final HeaderName IDENTITY = known("Identity", 'y', false);                   // RFC 8224
    public static final HeaderName CALL_INFO = known("Call-Info", (char) 0, true);
    public static final HeaderName ALERT_INFO = known("Alert-Info", (char) 0, true);
    public static final HeaderName ERROR_INFO = known("Error-Info", (char) 0, true);
    public static final HeaderName IN_REPLY_TO = known("In-Reply-To", (char) 0, true);
    public static final HeaderName CONTENT_DISPOSITION = known("Content-Disposition", (char) 0, false);
    public static final HeaderName CONTENT_LANGUAGE = known("Content-Language", (char) 0, true);
    public static final HeaderName MIME_VERSION = known("MIME-Version", (char) 0, false);
    public static final HeaderName ORGANIZATION = known("Organization", (char) 0, false);
    public static final HeaderName PRIORITY = known("Priority", (char) 0, false);
    public static final HeaderName REPLY_TO = known("Reply-To", (char) 0, false);
    public static final HeaderName P_ASSERTED_IDENTITY = known("P-Asserted-Identity", (char) 0, true); // RFC 3325

    private final String canonicalName;
    private final String lowerName;
    private final byte[] lowerBytes;
    private final char compactForm;
    private final boolean commaSeparatedList;
    private final boolean known;

    private HeaderName(String canonicalName, char compactForm, boolean commaSeparatedList, boolean known) {
        this.canonicalName = canonicalName;
        this.lowerName = canonicalName.toLowerCase(Locale.ROOT);
        this.lowerBytes = lowerName.getBytes(StandardCharsets.ISO_8859_1);
        this.compactForm = compactForm;
        this.commaSeparatedList = commaSeparatedList;
        this.known = known;
    }

    private static HeaderName known(String name, char compact, boolean list) {
        HeaderName h = new HeaderName(name, compact, list, true);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        int slot = hash(bytes, 0, bytes.length) & (TABLE_SIZE - 1);
        while (TABLE[slot] != null) {
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        TABLE[slot] = h;
        if (compact != 0) {
            COMPACT[compact - 'a'] = h;
        }
        return h;
    }

    private static int hash(byte[] b, int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) {
            h = h * 31 + LOWER[b[i] & 0xFF];
        }
        return h ^ (h >>> 9);
    }

    /**
     * Case-insensitive lookup; a single letter is a compact form. Unknown names must be tokens. A known name is found
     * without allocating (applications ask by String name several times per message).
     */
    public static HeaderName of(String name) {
        HeaderName h = knownOrNull(name);
        if (h != null) {
            return h;
        }
        if (!SipChars.isToken(name)) {
            throw new IllegalArgumentException("A header name must be a token: " + name);
        }
        return new HeaderName(name, (char) 0, false, false);
    }

    /** The interned name {@code name} spells in any case, or null; the same hash and table as the byte lookup. */
    private static HeaderName knownOrNull(String name) {
        int len = name.length();
        if (len == 1) {
            char c = name.charAt(0);
            int lower = c < 256 ? LOWER[c] : c;
            if (lower >= 'a' && lower <= 'z' && COMPACT[lower - 'a'] != null) {
                return COMPACT[lower - 'a'];
            }
        }
        int hash = len;
        for (int i = 0; i < len; i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                return null;   // known names are ASCII
            }
            hash = hash * 31 + LOWER[c];
        }
        int slot = (hash ^ (hash >>> 9)) & (TABLE_SIZE - 1);
        HeaderName h;
        while ((h = TABLE[slot]) != null) {
            if (h.matches(name)) {
                return h;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        return null;
    }

    /** As {@link #of(String)} over bytes, allocating only for an unknown name; the bytes are not checked. */
    public static HeaderName of(byte[] buf, int off, int len) {
        if (len == 1) {
            int c = LOWER[buf[off] & 0xFF];
            if (c >= 'a' && c <= 'z' && COMPACT[c - 'a'] != null) {
                return COMPACT[c - 'a'];
            }
        }
        int slot = hash(buf, off, len) & (TABLE_SIZE - 1);
        HeaderName h;
        while ((h = TABLE[slot]) != null) {
            if (h.matches(buf, off, len)) {
                return h;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        return new HeaderName(new String(buf, off, len, StandardCharsets.ISO_8859_1), (char) 0, false, false);
    }

    private boolean matches(byte[] buf, int off, int len) {
        byte[] lower = lowerBytes;
        if (lower.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (LOWER[buf[off + i] & 0xFF] != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean matches(String name) {
        byte[] lower = lowerBytes;
        if (lower.length != name.length()) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (LOWER[name.charAt(i)] != lower[i]) {   // callers passed only ASCII
                return false;
            }
        }
        return true;
    }

    /** The long form as RFC 3261 spells it ("Call-ID", "CSeq", "WWW-Authenticate"); unknown names as given. */
    public String canonicalName() {
        return canonicalName;
    }

    /** The compact form ('i' for Call-ID), or 0 when there is none. */
    public char compactForm() {
        return compactForm;
    }

    /** RFC 3261 §7.3.1: whether several values may be combined in one field, separated by commas. */
    public boolean isCommaSeparatedList() {
        return commaSeparatedList;
    }

    /** Whether this is one of the interned names above. */
    public boolean isKnown() {
        return known;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof HeaderName other && !known && !other.known
                && other.lowerName.equals(lowerName);
    }

    @Override
    public int hashCode() {
        return lowerName.hashCode();
    }

    @Override
    public String toString() {
        return canonicalName;
    }
}
