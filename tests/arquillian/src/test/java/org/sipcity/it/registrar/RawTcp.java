package org.sipcity.it.registrar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends a SIP message as given, byte for byte, over a new TCP connection to a loopback address, and reads the first
 * final response's head: what a UA resending a request on a new connection, or a replayer, does. Bounded by a socket
 * timeout.
 */
final class RawTcp {

    private RawTcp() {
    }

    /** The head (start line and headers) of the first final response to {@code message}. */
    static String exchange(InetSocketAddress server, String message, Duration timeout) throws IOException {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests only talk to loopback: " + server);
        }
        try (Socket socket = new Socket()) {
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            while (true) {
                String head = head(in);
                skipBody(in, head);
                if (!head.startsWith("SIP/2.0 1")) {
                    return head;
                }
            }
        }
    }

    static String statusLine(String head) {
        int end = head.indexOf("\r\n");
        return end < 0 ? head : head.substring(0, end);
    }

    /** The values of header {@code name} (long form), one per header line. */
    static List<String> headers(String head, String name) {
        List<String> values = new ArrayList<>();
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(line.substring(prefix.length()).strip());
            }
        }
        return values;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + bytes.size() + " bytes: " + bytes);
            }
            bytes.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (bytes.size() > 65_536) {
                throw new IOException("no end of headers in 64 KB");
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        List<String> lengths = headers(head, "Content-Length");
        if (lengths.isEmpty()) {
            lengths = headers(head, "l");
        }
        int length = lengths.isEmpty() ? 0 : Integer.parseInt(lengths.get(0));
        in.readNBytes(length);
    }
}
