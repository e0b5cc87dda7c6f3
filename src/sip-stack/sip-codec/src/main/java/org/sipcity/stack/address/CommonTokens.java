package org.sipcity.stack.address;

/**
 * The tokens nearly every message repeats (protocol, version, transports, the usual parameter names): read
 * from a text they come back as shared constants instead of a new String each time.
 */
final class CommonTokens {

    private static final String[][] BY_LENGTH = new String[10][];

    static {
        String[] all = {"SIP", "2.0", "UDP", "TCP", "TLS", "WS", "WSS", "SCTP", "udp", "tcp", "tls",
            "branch", "rport", "received", "maddr", "ttl", "tag", "lr", "transport", "expires", "q", "user",
            "reg-id", "ob", "phone"};
        for (int len = 0; len < BY_LENGTH.length; len++) {
            int n = len;
            BY_LENGTH[len] = java.util.Arrays.stream(all).filter(s -> s.length() == n).toArray(String[]::new);
        }
    }

    private CommonTokens() {
    }

    /** text[start, end) as a shared constant when it is a common token, else as a new String. */
    static String of(CharSequence text, int start, int end) {
        int len = end - start;
        if (len < BY_LENGTH.length) {
            for (String candidate : BY_LENGTH[len]) {
                if (regionEquals(candidate, text, start)) {
                    return candidate;
                }
            }
        }
        return text.subSequence(start, end).toString();
    }

    private static boolean regionEquals(String candidate, CharSequence text, int start) {
        for (int i = 0; i < candidate.length(); i++) {
            if (candidate.charAt(i) != text.charAt(start + i)) {
                return false;
            }
        }
        return true;
    }
}
