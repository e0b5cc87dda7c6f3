package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transaction.TransactionConfig;

/**
 * A proxy declared inline that must open a connection to its next hop, on a stack of one event loop: the connection
 * can only be completed by the loop that runs the proxy's task. The task must not wait for it (it used to, for the
 * 32 s of the connect timeout, and every call through the proxy failed); the request leaves once the connection is up,
 * and a connection that fails comes back at once as the branch's 503, which the caller sees as 500. The caller's socket times out after 10 s.
 */
class InlineProxyConnectTest {

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.inlineProxyOnOneLoop(TransactionConfig.defaults());

    @Test
    void aProxiedRequestLeavesOnceItsNewConnectionIsUp() throws Exception {
        long inlineBefore = server.container().metrics().eventLoopTasks();
        try (ServerSocket callee = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RawSipClient caller = RawSipClient.tcp(server.address())) {
            callee.setSoTimeout(10_000);
            String target = "sip:bob@127.0.0.1:" + callee.getLocalPort() + ";transport=tcp";
            caller.send(caller.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null, "X-Targets: " + target + "\r\n", ""));

            ForwardedOptions.answer200(callee, target, "callee", caller);
        }
        // The OPTIONS ran on the loop and ended before its request left; the 200 may run on a worker, behind the send.
        assertThat(server.container().metrics().eventLoopTasks() - inlineBefore)
                .as("the OPTIONS ran on the event loop").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aConnectionThatFailsComesBackAsAnErrorAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        try (RawSipClient caller = RawSipClient.tcp(server.address())) {
            caller.send(caller.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null,
                    "X-Targets: sip:bob@127.0.0.1:" + closedPort + ";transport=tcp\r\n", ""));
            String answer = caller.receiveFinal();
            assertThat(RawSipClient.status(answer)).as(answer).isEqualTo(500);   // RFC 3261 §16.7 step 6: a 503 becomes 500
            assertThat(answer).contains("next hop unavailable");
        }
    }
}
