package org.sipcity.it.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIP endpoint for the tests on loopback, over UDP or TCP: a UAC that sends hand-built requests to the server, or
 * a UAS that listens for what the server forwards and answers it on the same flow (RFC 3261 §18.2.2). Whole messages
 * are read (TCP framed by Content-Length, §18.3); every read has a timeout and every loop a bound.
 */
final class SipEndpoint implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)\\s*$");

    private final String transport;
    private final DatagramSocket udp;
    private final ServerSocket listener;
    private Socket tcp;
    /** Where requests go (a UAC: the server) or where the last message came from (a UAS answers there). */
    private SocketAddress peer;

    private SipEndpoint(String transport, InetSocketAddress server, boolean listen) throws IOException {
        this.transport = transport;
        this.peer = server;
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (transport.equals("UDP")) {
            udp = new DatagramSocket(loopback);
            udp.setSoTimeout(TIMEOUT_MILLIS);
            listener = null;
        } else if (listen) {
            udp = null;
            listener = new ServerSocket();
            listener.bind(loopback);
            listener.setSoTimeout(TIMEOUT_MILLIS);
        } else {
            udp = null;
            listener = null;
            tcp = new Socket();
            tcp.connect(server, TIMEOUT_MILLIS);
            tcp.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** A UAC sending to {@code server} over {@code transport} ("UDP" or "TCP"). */
    static SipEndpoint client(String transport, InetSocketAddress server) throws IOException {
        return new SipEndpoint(transport, server, false);
    }

    /** A UAS listening on a loopback port of its own over {@code transport}. */
    static SipEndpoint server(String transport) throws IOException {
        return new SipEndpoint(transport, null, true);
    }

    int localPort() {
        if (udp != null) {
            return udp.getLocalPort();
        }
        return listener != null ? listener.getLocalPort() : tcp.getLocalPort();
    }

    /** This endpoint's SIP URI for {@code user}, with the transport parameter for TCP. */
    String uri(String user) {
        return "sip:" + user + "@127.0.0.1:" + localPort() + (transport.equals("TCP") ? ";transport=tcp" : "");
    }

    /** A request with every mandatory header (RFC 3261 §8.1.1); {@code extra} lines end with CRLF. */
    String request(String method, String requestUri, String callId, int cseq, String extra) {
        return method + " " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + localPort() + ";branch=z9hG4bK-" + unique() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a" + Integer.toHexString(callId.hashCode()) + "\r\n"
                + "To: <" + requestUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + extra
                + "Content-Length: 0\r\n\r\n";
    }

    static String unique() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Sends to the server (a UAC) or back to where the last message came from (a UAS). */
    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, peer));
        } else {
            tcp.getOutputStream().write(bytes);
            tcp.getOutputStream().flush();
        }
    }

    /** The next whole message; fails after the timeout. A TCP UAS accepts the server's connection first. */
    String receive() throws IOException {
        if (udp != null) {
            byte[] buffer = new byte[65_535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            udp.receive(packet);
            peer = packet.getSocketAddress();
            return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
        }
        if (tcp == null) {
            tcp = listener.accept();
            tcp.setSoTimeout(TIMEOUT_MILLIS);
        }
        InputStream in = tcp.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int read = 0; matched < 4; read++) {
            int b = in.read();
            if (b < 0 || read > 65_535) {
                throw new IOException("No whole message, after: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String headText = head.toString(StandardCharsets.UTF_8);
        Matcher m = CONTENT_LENGTH.matcher(headText);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** The next request of {@code method}, skipping anything else (e.g. retransmissions). */
    String receiveRequest(String method) throws IOException {
        for (int i = 0; i < 10; i++) {
            String message = receive();
            if (message.startsWith(method + " ")) {
                return message;
            }
        }
        throw new IOException("No " + method + " arrived");
    }

    /** The next final response, skipping provisional ones. */
    String receiveFinal() throws IOException {
        for (int i = 0; i < 10; i++) {
            String message = receive();
            if (message.startsWith("SIP/2.0 ") && status(message) >= 200) {
                return message;
            }
        }
        throw new IOException("No final response");
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(8, 11));
    }

    static String header(String message, String name) {
        List<String> values = headers(message, name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header, one per line as written. */
    static List<String> headers(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\s*$").matcher(head(message));
        List<String> values = new ArrayList<>();
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String head(String message) {
        int end = message.indexOf("\r\n\r\n");
        return end < 0 ? message : message.substring(0, end);
    }

    /** A response to {@code request} as a UAS builds it (RFC 3261 §8.2.6.2, §12.1.1): Vias, Record-Routes, To tag. */
    static String answer(String request, int status, String reason, String toTag, String extra) {
        StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : headers(request, "Via")) {
            response.append("Via: ").append(via).append("\r\n");
        }
        for (String recordRoute : headers(request, "Record-Route")) {
            response.append("Record-Route: ").append(recordRoute).append("\r\n");
        }
        response.append("From: ").append(header(request, "From")).append("\r\n")
                .append("To: ").append(header(request, "To")).append(";tag=").append(toTag).append("\r\n")
                .append("Call-ID: ").append(header(request, "Call-ID")).append("\r\n")
                .append("CSeq: ").append(header(request, "CSeq")).append("\r\n")
                .append(extra)
                .append("Content-Length: 0\r\n\r\n");
        return response.toString();
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        if (listener != null) {
            listener.close();
        }
    }
}
