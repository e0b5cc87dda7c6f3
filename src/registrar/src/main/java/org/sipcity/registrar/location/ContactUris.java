package org.sipcity.registrar.location;

import java.util.Locale;

/**
 * The comparison form of a contact URI. RFC 3261 §19.1.4: scheme and host compare case-insensitively, the user part
 * case-sensitively. This keeps the user part and parameters as given and lowers the scheme and host; two contacts
 * that differ only in parameter order are therefore distinct bindings, which errs towards keeping both until one
 * expires rather than wrongly replacing one.
 */
public final class ContactUris {

    private ContactUris() {
    }

    public static String canonical(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return uri;
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        int at = rest.indexOf('@');
        int hostStart = at < 0 ? 0 : at + 1;
        int hostEnd = hostStart;
        while (hostEnd < rest.length() && ";?".indexOf(rest.charAt(hostEnd)) < 0) {
            hostEnd++;
        }
        return scheme + ':' + rest.substring(0, hostStart)
                + rest.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT) + rest.substring(hostEnd);
    }
}
