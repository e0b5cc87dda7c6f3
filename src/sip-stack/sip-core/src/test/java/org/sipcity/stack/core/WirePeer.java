package org.sipcity.stack.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking SIP peer on loopback for wire tests: sends raw bytes, reads back the first response's status line,
 * every read bounded by a timeout.
 */
final class WirePeer {

    /** What came back: a status line, nothing within the timeout, or the stream closed. */
    record Reply(String text, boolean closed) {
        static final Reply SILENCE = new Reply(null, false);

        int status() {
            return text == null ? -1 : Integer.parseInt(text.substring(8, 11));
        }

        String statusLine() {
            return text == null ? null : text.substring(0, text.indexOf("\r\n"));
        }
    }

    private WirePeer() {
    }

    static Reply udp(InetSocketAddress server, byte[] message, int timeoutMillis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(timeoutMillis);
            socket.send(new DatagramPacket(message, message.length, server));
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException silence) {
                return Reply.SILENCE;
            }
            return new Reply(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8), false);
        }
    }

    static Reply tcp(InetSocketAddress server, byte[] message, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
            return readHead(socket.getInputStream());
        }
    }

    /** Reads up to the end of one message head, or until the peer closes or stays silent. */
    static Reply readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.UTF_8);
                if (text.startsWith("\r\n")) {
                    head.reset(); // keep-alive residue
                } else if (text.endsWith("\r\n\r\n")) {
                    return new Reply(text, false);
                }
            }
            return new Reply(null, true);
        } catch (SocketTimeoutException silence) {
            return Reply.SILENCE;
        }
    }
}
