package org.sipcity.sip.container.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A SIP client for tests: hand-built requests over one UDP socket or one TCP connection on loopback. */
final class RawSipClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)\\s*$");

    private final String transport;
    private final InetSocketAddress server;
    private final DatagramSocket udp;
    private final Socket tcp;

    private RawSipClient(String transport, InetSocketAddress server) throws IOException {
        this.transport = transport;
        this.server = server;
        if (transport.equals("UDP")) {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.setSoTimeout(TIMEOUT_MILLIS);
            tcp = null;
        } else {
            udp = null;
            tcp = new Socket();
            tcp.connect(server, TIMEOUT_MILLIS);
            tcp.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    static RawSipClient udp(InetSocketAddress server) throws IOException {
        return new RawSipClient("UDP", server);
    }

    static RawSipClient tcp(InetSocketAddress server) throws IOException {
        return new RawSipClient("TCP", server);
    }

    int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    String transport() {
        return transport;
    }

    /** A request with every mandatory header (RFC 3261 §8.1.1); {@code extra} lines end with CRLF. */
    String request(String method, String requestUri, String callId, int cseq, String toTag, String extra, String body) {
        return method + " " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + localPort() + ";branch=z9hG4bK" + random() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a" + callId.hashCode() + "\r\n"
                + "To: <sip:alice@example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + extra
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String random() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            tcp.getOutputStream().write(bytes);
            tcp.getOutputStream().flush();
        }
    }

    /** The next message, whole; fails after the timeout. */
    String receive() throws IOException {
        if (udp != null) {
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            udp.receive(packet);
            return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
        }
        InputStream in = tcp.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("Connection closed after: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String headText = head.toString(StandardCharsets.UTF_8);
        Matcher m = CONTENT_LENGTH.matcher(headText);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        byte[] body = in.readNBytes(length);
        return headText + new String(body, StandardCharsets.UTF_8);
    }

    /** The next response, skipping a 100 Trying. */
    String receiveFinal() throws IOException {
        for (int i = 0; i < 5; i++) {
            String message = receive();
            if (!message.startsWith("SIP/2.0 100 ")) {
                return message;
            }
        }
        throw new IOException("Only provisional responses");
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(8, 11));
    }

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\s*$").matcher(message);
        return m.find() ? m.group(1) : null;
    }

    /** Every value of a header, one per line as written. */
    static java.util.List<String> headers(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\s*$").matcher(message);
        java.util.List<String> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    /** A response to {@code request} as a UAS builds it (RFC 3261 §8.2.6.2, §12.1.1): Vias, Record-Routes, tag. */
    static String answer(String request, int status, String reason, String toTag, String extra) {
        StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : headers(request, "Via")) {
            response.append("Via: ").append(via).append("\r\n");
        }
        for (String recordRoute : headers(request, "Record-Route")) {
            response.append("Record-Route: ").append(recordRoute).append("\r\n");
        }
        String to = header(request, "To");
        response.append("From: ").append(header(request, "From")).append("\r\n")
                .append("To: ").append(to).append(toTag == null || to.contains(";tag=") ? "" : ";tag=" + toTag).append("\r\n")
                .append("Call-ID: ").append(header(request, "Call-ID")).append("\r\n")
                .append("CSeq: ").append(header(request, "CSeq")).append("\r\n")
                .append(extra)
                .append("Content-Length: 0\r\n\r\n");
        return response.toString();
    }

    /** The next request, skipping responses (a callee may get its 487 ACKed after it answered). */
    String receiveRequest() throws IOException {
        for (int i = 0; i < 5; i++) {
            String message = receive();
            if (!message.startsWith("SIP/2.0 ")) {
                return message;
            }
        }
        throw new IOException("Only responses");
    }

    /** The next final response whose CSeq method is {@code method}, skipping others (retransmitted 2xx, 100). */
    String receiveResponseTo(String method) throws IOException {
        for (int i = 0; i < 10; i++) {
            String message = receive();
            if (message.startsWith("SIP/2.0 ") && status(message) >= 200 && header(message, "CSeq").endsWith(" " + method)) {
                return message;
            }
        }
        throw new IOException("No final response to " + method);
    }

    /** The next request of {@code method}, skipping retransmissions of earlier requests and responses. */
    String receiveRequest(String method) throws IOException {
        for (int i = 0; i < 10; i++) {
            String message = receive();
            if (message.startsWith(method + " ")) {
                return message;
            }
        }
        throw new IOException("No " + method + " arrived");
    }

    static String toTag(String response) {
        String to = header(response, "To");
        int at = to == null ? -1 : to.toLowerCase(Locale.ROOT).indexOf(";tag=");
        if (at < 0) {
            return null;
        }
        String tag = to.substring(at + 5);
        int end = tag.indexOf(';');
        return end < 0 ? tag : tag.substring(0, end);
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
    }
}
