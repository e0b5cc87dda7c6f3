package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transaction.TransactionConfig;

/**
 * The responses of one transaction reach the caller in the order the stack sent them, whichever thread sent each.
 * Seen in calls.sh through the inline registrar at 6,500 calls/s (47 calls failed): the INVITE server transaction's
 * 100 Trying (RFC 3261 §17.2.1), sent by the timer thread and so handed to the connection's event loop as a task,
 * reached SIPp after the 200 that the loop, reading the callee, relayed inline and wrote at once; SIPp took the late 100
 * for an unexpected message and dropped the call. Here on one event loop, deterministically: the servlet holds the
 * 180 past the 100's delay (an inline task holding the loop), the callee's 180 and 200 come in one read, and the 100
 * must still arrive first.
 */
class InlineProxyResponseOrderTest {

    /** The 100 Trying's delay here; the servlet holds the 180 well past it. */
    private static final long TRYING_DELAY_MILLIS = 300;
    private static final long HOLD_MILLIS = 1_000;

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.inlineProxyOnOneLoop(
            TransactionConfig.builder().provisionalDelay(Duration.ofMillis(TRYING_DELAY_MILLIS)).build());

    @Test
    void aTryingHandedToTheLoopIsNotOvertakenByResponsesTheLoopRelaysLater() throws Exception {
        try (ServerSocket callee = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RawSipClient caller = RawSipClient.tcp(server.address())) {
            callee.setSoTimeout(10_000);
            String target = "sip:bob@127.0.0.1:" + callee.getLocalPort() + ";transport=tcp";
            String proxy = "sip:bob@127.0.0.1:" + server.port() + ";transport=tcp";
            // An OPTIONS first opens the proxy's connection to the callee, so that the INVITE and its responses then
            // run inline on the loop from start to end (a new connection would have the INVITE sent from a worker).
            caller.send(caller.request("OPTIONS", proxy, RawSipClient.random(), 1, null, "X-Targets: " + target + "\r\n", ""));
            try (Socket connection = callee.accept()) {
                connection.setSoTimeout(10_000);
                String options = ProxyOverTcpTest.readHead(connection.getInputStream());
                connection.getOutputStream().write(RawSipClient.answer(options, 200, "OK", "callee", "")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);

                caller.send(caller.request("INVITE", proxy, RawSipClient.random(), 1, null,
                        "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ";transport=tcp>\r\nX-Targets: " + target
                                + "\r\nX-Record-Route: yes\r\nX-Slow-Provisional: " + HOLD_MILLIS + "\r\n", ""));
                String invite = ProxyOverTcpTest.readHead(connection.getInputStream());
                assertThat(invite).startsWith("INVITE " + target + " SIP/2.0");
                // One write, so one read on the proxy's loop: the 200 is relayed in the same pass as the held 180.
                String answers = RawSipClient.answer(invite, 180, "Ringing", "callee", "")
                        + RawSipClient.answer(invite, 200, "OK", "callee", "Contact: <" + target + ">\r\n");
                connection.getOutputStream().write(answers.getBytes(StandardCharsets.UTF_8));

                List<Integer> statuses = new ArrayList<>();
                while (!statuses.contains(200)) {
                    statuses.add(RawSipClient.status(caller.receive()));
                }
                // The 100 left the transaction before the 180 was even relayed (the servlet held it past the delay).
                assertThat(statuses).as("responses in the order the INVITE server transaction sent them")
                        .containsExactly(100, 180, 200);
            }
        }
    }
}
