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

    /** The user part of a canonical AOR. */
    public static String user(String aor) {
        return aor.substring(4, aor.lastIndexOf('@'));
    }

    /** The domain of a canonical AOR. */
    public static String domain(String aor) {
        return aor.substring(aor.lastIndexOf('@') + 1);
    }
}
