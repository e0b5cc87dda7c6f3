package org.sipcity.it.console;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** Real TCP connections from the test to a connector, each with a read timeout; closed together. */
final class TcpClients implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 5_000;
    private final List<Socket> sockets = new ArrayList<>();

    static TcpClients open(InetSocketAddress server, int count) throws IOException {
        TcpClients clients = new TcpClients();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                clients.sockets.add(socket);
                socket.connect(server, TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
            }
        } catch (IOException e) {
            clients.close();
            throw e;
        }
        return clients;
    }

    Socket get(int index) {
        return sockets.get(index);
    }

    int size() {
        return sockets.size();
    }

    /** Whether the server closed this connection: end of stream or reset, within the read timeout. */
    static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
