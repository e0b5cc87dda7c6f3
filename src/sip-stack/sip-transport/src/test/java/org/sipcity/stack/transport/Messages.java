package org.sipcity.stack.transport;

/** SIP messages for the tests. */
final class Messages {

    private Messages() {
    }

    /** An OPTIONS request numbered {@code n}, with a body of {@code bodyLength} bytes. */
    static String request(int n, String transport, int bodyLength) {
        String body = "x".repeat(bodyLength);
        return "OPTIONS sip:u" + n + "@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:5099;branch=z9hG4bK-" + n + "\r\n"
                + "From: <sip:a@127.0.0.1>;tag=" + n + "\r\n"
                + "To: <sip:u" + n + "@127.0.0.1>\r\n"
                + "Call-ID: call-" + n + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + (bodyLength > 0 ? "Content-Type: text/plain\r\n" : "")
                + "Content-Length: " + bodyLength + "\r\n\r\n" + body;
    }

    static String request(int n, String transport) {
        return request(n, transport, 0);
    }

    /** A request of exactly {@code size} bytes, padded with body. */
    static String requestOfSize(int n, String transport, int size) {
        // The Content-Type header and the Content-Length digits add at most 40 bytes to a request without body.
        for (int body = Math.max(0, size - request(n, transport, 0).length() - 40); body <= size; body++) {
            String request = request(n, transport, body);
            if (request.length() == size) {
                return request;
            }
        }
        throw new IllegalArgumentException("no request of " + size + " bytes");
    }

    static String requestLine(int n) {
        return "OPTIONS sip:u" + n + "@127.0.0.1 SIP/2.0";
    }
}
