package org.sipcity.it.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A minimal SIP client for the tests: sends one OPTIONS over UDP or TCP to a loopback address and returns the status
 * line of the first response. Every socket has a timeout; nothing waits without bound.
 */
final class SipProbe {

    private static final int TIMEOUT_MILLIS = 5_000;

    private SipProbe() {
    }

    /** Sends an OPTIONS (RFC 3261 §11) in one datagram and returns the head (start line and headers) of the answer. */
    static String optionsOverUdp(InetSocketAddress server) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            byte[] request = options(server, "UDP", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(request, request.length, server));
            byte[] buffer = new byte[65_535];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            return head(new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII));
        }
    }

    /** Sends an OPTIONS over a new TCP connection and returns the head (start line and headers) of the answer. */
    static String optionsOverTcp(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(options(server, "TCP", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int i = 0; i < 8192 && head.indexOf("\r\n\r\n") < 0; i++) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head(head.toString());
        }
    }

    private static String options(InetSocketAddress server, String transport, int localPort) {
        String host = server.getAddress().getHostAddress();
        String unique = UUID.randomUUID().toString();
        return "OPTIONS sip:" + host + ":" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + unique + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=" + unique.substring(0, 8) + "\r\n"
                + "To: <sip:" + host + ">\r\n"
                + "Call-ID: " + unique + "@127.0.0.1\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Accept: application/sdp\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** The start line of a message head. */
    static String statusLine(String head) {
        int end = head.indexOf("\r\n");
        return end < 0 ? head : head.substring(0, end);
    }

    private static String head(String message) {
        int end = message.indexOf("\r\n\r\n");
        return end < 0 ? message : message.substring(0, end);
    }
}
