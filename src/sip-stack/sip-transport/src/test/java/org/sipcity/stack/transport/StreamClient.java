package org.sipcity.stack.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A blocking TCP or TLS peer on loopback, every read bounded by a socket timeout. */
final class StreamClient implements AutoCloseable {

    static final int READ_TIMEOUT_MILLIS = 5000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private StreamClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and reports whether the server dropped the connection at once (end of stream or reset),
     * as it does beyond its connection limit. The TCP handshake itself completes in the kernel either way.
     */
    static boolean connectionDroppedByServer(InetSocketAddress server) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, READ_TIMEOUT_MILLIS);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    static StreamClient tcp(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, READ_TIMEOUT_MILLIS);
        return new StreamClient(s);
    }

    /** A TCP peer with a small receive buffer that reads nothing unless asked. */
    static StreamClient slowReader(InetSocketAddress server, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(server, READ_TIMEOUT_MILLIS);
        return new StreamClient(s);
    }

    static StreamClient tls(InetSocketAddress server, SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.connect(server, READ_TIMEOUT_MILLIS);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.startHandshake();
        return new StreamClient(s);
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes the text in pieces of {@code chunk} bytes, one flush (one segment with TCP_NODELAY) each. */
    void writeInChunks(String text, int chunk) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
            out.flush();
        }
    }

    /** Reads one message head through its empty line; the tests' responses have no body. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream after " + head.size() + " bytes: " + head);
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code n} bytes. */
    String readBytes(int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length < n) {
            throw new IOException("end of stream after " + data.length + " of " + n + " bytes");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    /** True if the peer closed the connection (end of stream or reset) within the read timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    /**
     * Reads and discards what the peer still sends, and reports whether it then closed the connection (end of
     * stream or reset) rather than falling silent for the read timeout.
     */
    boolean closedByPeerAfterDraining() throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
