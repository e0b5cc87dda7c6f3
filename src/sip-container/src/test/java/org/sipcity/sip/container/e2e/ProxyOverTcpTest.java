package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * A request the container proxies over a TCP connection it opens names our listening port in its Via, not the
 * connection's ephemeral one: RFC 3261 §18.2.2 has the next hop open a connection to the sent-by port when ours is
 * gone, and only the listening port takes connections.
 */
class ProxyOverTcpTest {

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.TCP);

    @Test
    void forwardedRequestNamesTheListeningPortInItsVia() throws Exception {
        try (ServerSocket callee = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RawSipClient caller = RawSipClient.tcp(server.address())) {
            callee.setSoTimeout(10_000);
            String target = "sip:bob@127.0.0.1:" + callee.getLocalPort() + ";transport=tcp";
            caller.send(caller.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null, "X-Targets: " + target + "\r\n", ""));

            try (Socket connection = callee.accept()) {
                connection.setSoTimeout(10_000);
                String forwarded = readHead(connection.getInputStream());
                List<String> vias = RawSipClient.headers(forwarded, "Via");
                assertThat(connection.getPort()).isNotEqualTo(server.port());   // an ephemeral port
                assertThat(vias.get(0)).startsWith("SIP/2.0/TCP 127.0.0.1:" + server.port() + ";");

                connection.getOutputStream().write(RawSipClient.answer(forwarded, 200, "OK", "callee", "")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
            }
        }
    }

    /** The head of the next message (an OPTIONS without body), bounded in length. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int i = 0; i < 65_535; i++) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
