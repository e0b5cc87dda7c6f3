package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * RFC 6026 §8.4 and §7.1, RFC 3261 §16.7 step 5: while the proxy's INVITE client transaction waits in Accepted for
 * Timer M, which it does as a lean entry without the proxy's state, every further 2xx of the branch still goes
 * upstream: the callee's retransmission of its 2xx (it repeats it until the ACK, RFC 3261 §13.3.1.4), and the 2xx of
 * another fork behind the callee (another To tag).
 */
class AcceptedBranchTest {

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.UDP);

    @Test
    void aRetransmitted2xxReachesTheCallerWhileTheBranchWaitsForTimerM() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            String invite = inviteThroughTheProxy(caller, callee);
            String ok = RawSipClient.answer(invite, 200, "OK", "callee", "Contact: <" + calleeUri(callee) + ">\r\n");
            long before = accepted();
            callee.send(ok);
            String first = caller.receiveFinal();
            assertThat(RawSipClient.status(first)).isEqualTo(200);
            awaitAcceptedAbove(before);

            callee.send(ok);   // its 2xx again: our ACK has not reached it

            String again = caller.receiveFinal();
            assertThat(RawSipClient.status(again)).isEqualTo(200);
            assertThat(RawSipClient.toTag(again)).isEqualTo("callee");
            assertThat(RawSipClient.headers(again, "Via")).as("our Via taken off, the caller's left")
                    .isEqualTo(RawSipClient.headers(first, "Via")).hasSize(1);
            assertThat(RawSipClient.header(again, "Call-ID")).isEqualTo(RawSipClient.header(first, "Call-ID"));
        }
    }

    @Test
    void theSecond2xxOfAnotherForkIsForwardedToo() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            String invite = inviteThroughTheProxy(caller, callee);
            long before = accepted();
            callee.send(RawSipClient.answer(invite, 200, "OK", "fork-1", "Contact: <" + calleeUri(callee) + ">\r\n"));
            assertThat(RawSipClient.toTag(caller.receiveFinal())).isEqualTo("fork-1");
            awaitAcceptedAbove(before);

            // A forking proxy behind us relays the 2xx of a second UAS: the same branch, another To tag.
            callee.send(RawSipClient.answer(invite, 200, "OK", "fork-2", "Contact: <sip:carol@127.0.0.1:"
                    + callee.localPort() + ">\r\n"));

            String second = caller.receiveFinal();
            assertThat(RawSipClient.status(second)).isEqualTo(200);
            assertThat(RawSipClient.toTag(second)).isEqualTo("fork-2");
            assertThat(RawSipClient.headers(second, "Via")).hasSize(1);
        }
    }

    /** The proxy's client transaction has handed Accepted over to its lean entry (after the first 2xx went up). */
    private static void awaitAcceptedAbove(long before) throws InterruptedException {
        for (int i = 0; i < 500 && accepted() <= before; i++) {
            Thread.sleep(10);
        }
        assertThat(accepted()).isGreaterThan(before);
    }

    private static long accepted() {
        return server.stack().transactions().acceptedClientTransactions();
    }

    /** An INVITE from the caller, proxied to the callee and rung there; returns the INVITE as the callee got it. */
    private static String inviteThroughTheProxy(RawSipClient caller, RawSipClient callee) throws Exception {
        caller.send(caller.request("INVITE", "sip:127.0.0.1:" + server.port(), RawSipClient.random(), 1, null,
                "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + calleeUri(callee)
                        + "\r\nX-Record-Route: yes\r\n", ""));
        String invite = callee.receiveRequest("INVITE");
        callee.send(RawSipClient.answer(invite, 180, "Ringing", "callee", ""));
        assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(180);
        return invite;
    }

    private static String calleeUri(RawSipClient callee) {
        return "sip:bob@127.0.0.1:" + callee.localPort();
    }
}
