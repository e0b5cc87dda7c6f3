package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * Flow routes end to end (RFC 5626 §5.3): a branch routed over a callee's existing TCP connection reaches it there
 * although its Request-URI names an address where nothing listens, the flow route itself is not sent, and once the
 * connection is gone the branch fails with 430 instead of a new connection being opened.
 */
class ProxyFlowTest {

    /** A Request-URI host:port nobody listens on: only the flow reaches the callee. */
    private static final String UNREACHABLE = "127.0.0.9:9";

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.TCP);

    @Test
    void aBranchOverAnExistingFlowReachesTheCalleeOnItAndFailsWith430OnceItIsGone() throws Exception {
        int port = server.port();
        try (RawSipClient caller = RawSipClient.tcp(server.address())) {
            String flow;
            InetSocketAddress calleeAddress;
            try (Socket callee = new Socket(InetAddress.getLoopbackAddress(), port)) {
                calleeAddress = (InetSocketAddress) callee.getLocalSocketAddress();
                callee.setSoTimeout(10_000);
                flow = "tcp:127.0.0.1:" + callee.getLocalPort();
                // connect() returns once the kernel has the connection; the stack knows the flow only after its
                // event loop accepted it (in service the callee's REGISTER over it comes first).
                awaitFlow(calleeAddress, true);
                caller.send(options(caller, port, flow));

                String forwarded = ProxyOverTcpTest.readHead(callee.getInputStream());
                assertThat(forwarded).startsWith("OPTIONS sip:bob@" + UNREACHABLE + ";transport=tcp SIP/2.0");
                assertThat(RawSipClient.headers(forwarded, "Route")).as("the flow route is consumed here").isEmpty();
                callee.getOutputStream().write(RawSipClient.answer(forwarded, 200, "OK", "callee", "")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
            }

            // The callee's connection is closed: once the stack has seen it go, the flow must not be replaced by a
            // new connection (a bounded wait for that condition, not a timing assertion).
            awaitFlow(calleeAddress, false);
            caller.send(options(caller, port, flow));
            String failed = caller.receiveFinal();
            assertThat(RawSipClient.status(failed)).as(failed).isEqualTo(430);
            assertThat(failed).contains("Flow Failed");
            assertThat(RawSipClient.headers(failed, "Via")).as("the caller's Via, and only it").hasSize(1)
                    .allSatisfy(via -> assertThat(via).contains("127.0.0.1:" + caller.localPort()));
        }
    }

    @Test
    void anUnsealedFlowRouteFromTheNetworkIsRefusedWith403() throws Exception {
        int port = server.port();
        try (RawSipClient caller = RawSipClient.tcp(server.address())) {
            // A second Route naming us with a flow we never sealed, behind the one the container pops.
            String ours = "<sip:127.0.0.1:" + port + ";transport=tcp;lr>";
            String forged = "<sip:127.0.0.1:" + port + ";transport=tcp;lr;flow=tcp:127.0.0.1:1>";
            caller.send(caller.request("OPTIONS", "sip:bob@" + UNREACHABLE + ";transport=tcp", RawSipClient.random(),
                    1, null, "Route: " + ours + ", " + forged + "\r\nX-Targets: sip:bob@" + UNREACHABLE
                            + ";transport=tcp\r\n", ""));

            String refused = caller.receiveFinal();
            assertThat(RawSipClient.status(refused)).isEqualTo(403);
            assertThat(RawSipClient.headers(refused, "Via")).hasSize(1);
        }
    }

    /** A bounded wait for the stack to know, or to have forgotten, a flow: a precondition, not a timing assertion. */
    private static void awaitFlow(InetSocketAddress remote, boolean known) throws InterruptedException {
        for (int i = 0; i < 1000 && knows(remote) != known; i++) {
            Thread.sleep(10);
        }
        assertThat(knows(remote)).as("the stack knows the flow from %s", remote).isEqualTo(known);
    }

    private static boolean knows(InetSocketAddress remote) {
        return server.stack().transports().flowTable().find(TransportType.TCP, remote) != null;
    }

    private static String options(RawSipClient caller, int port, String flow) {
        return caller.request("OPTIONS", "sip:127.0.0.1:" + port + ";transport=tcp", RawSipClient.random(), 1, null,
                "X-Targets: sip:bob@" + UNREACHABLE + ";transport=tcp\r\nX-Flow: " + flow + "\r\n", "");
    }
}
