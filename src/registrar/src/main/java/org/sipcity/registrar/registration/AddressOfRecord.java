package org.sipcity.registrar.registration;

import java.util.Locale;

/**
 * The canonical address-of-record (RFC 3261 §10.3 step 5): {@code sip:user@host} with no port, parameters or
 * headers; the host in lower case (§19.1.4), the user as given. A {@code sips} To URI names the same AOR.
 */
public final class AddressOfRecord {

    private AddressOfRecord() {
    }

    public static String of(String user, String host) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("an address-of-record needs a user part");
        }
        return "sip:" + user + '@' + host.toLowerCase(Locale.ROOT);
    }

    /**
     * An AOR as an operator types it: {@code alice@example.com}, {@code sip:alice@example.com} or
     * {@code <sips:alice@example.com:5061;transport=tcp>}, made canonical.
     *
     * @throws IllegalArgumentException when there is no user and host
     */
    public static String parse(String text) {
        String uri = text == null ? "" : text.strip();
        if (uri.startsWith("<") && uri.endsWith(">")) {
            uri = uri.substring(1, uri.length() - 1);
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sip:")) {
            uri = uri.substring(4);
        } else if (lower.startsWith("sips:")) {
            uri = uri.substring(5);
        }
        int at = uri.lastIndexOf('@');
        int end = uri.length();
        for (char stop : new char[] {';', '?', ':'}) {
            int index = uri.indexOf(stop, at + 1);
            if (index >= 0 && index < end) {
                end = index;
            }
        }
        if (at <= 0 || at + 1 >= end) {
            throw new IllegalArgumentException("'" + text + "' is not an address-of-record (user@domain)");
        }
        return of(uri.substring(0, at), uri.substring(at + 1, end));
    }

    /** The user part of a canonical AOR. */
    public static String user(String aor) {
        return aor.substring(4, aor.lastIndexOf('@'));
    }

    /** The domain of a canonical AOR. */
    public static String domain(String aor) {
        return aor.substring(aor.lastIndexOf('@') + 1);
    }
}
