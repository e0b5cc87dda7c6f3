package org.sipcity.registrar.location;

import java.util.Locale;

/**
 * The comparison form of a contact URI. RFC 3261 §19.1.4: scheme and host compare case-insensitively, the user part
 * case-sensitively. This keeps the user part and parameters as given and lowers the scheme and host; two contacts
 * that differ only in parameter order are therefore distinct bindings, which errs towards keeping both until one
 * expires rather than wrongly replacing one.
 * <p>
 * Binding keys are derived from this several times per REGISTER (the Contact plan, the change applied to the
 * in-memory list, the write-back), and nearly every UA sends scheme and host in lower case already: such a URI is
 * returned as it is, without a copy (it was 15% of a worker's allocations when each call cut it into four pieces).
 */
public final class ContactUris {

    private ContactUris() {
    }

    public static String canonical(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return uri;
        }
        int at = uri.indexOf('@', colon + 1);
        int hostStart = at < 0 ? colon + 1 : at + 1;
        int hostEnd = hostStart;
        while (hostEnd < uri.length() && uri.charAt(hostEnd) != ';' && uri.charAt(hostEnd) != '?') {
            hostEnd++;
        }
        if (isLowerAscii(uri, 0, colon) && isLowerAscii(uri, hostStart, hostEnd)) {
            return uri;
        }
        return uri.substring(0, colon).toLowerCase(Locale.ROOT) + uri.substring(colon, hostStart)
                + uri.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT) + uri.substring(hostEnd);
    }

    /** No upper-case letter and nothing outside ASCII, whose lower case this need not reason about. */
    private static boolean isLowerAscii(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }
}
