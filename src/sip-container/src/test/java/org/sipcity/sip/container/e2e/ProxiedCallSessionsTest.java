package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * JSR 289 §6.1.2.2: a record-routed call that ends with BYE leaves its proxy's sessions ready to invalidate, and
 * with invalidateWhenReady the container frees them then, not at the application session's expiry.
 */
class ProxiedCallSessionsTest {

    private static final int CALLS = 20;

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.UDP);

    @Test
    void finishedProxiedCallsLeaveNoSessionBehind() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            for (int call = 0; call < CALLS; call++) {
                callThroughTheProxy(caller, callee);
            }
        }
        // The BYE's 200 goes upstream before the session is freed: wait (bounded) for the freeing, then assert.
        for (int i = 0; i < 500 && liveSessions() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(liveSessions()).isZero();
    }

    @Test
    void aCallThatIsStillUpKeepsItsSession() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            int before = liveSessions();
            String callId = RawSipClient.random();
            String ok = invite(caller, callee, callId);
            caller.send(caller.request("ACK", calleeUri(callee), callId, 1, "callee", route(ok), ""));
            callee.receiveRequest("ACK");
            assertThat(liveSessions()).isEqualTo(before + 1);   // confirmed: the proxy stays in the dialog

            hangUp(caller, callee, callId, ok);
            for (int i = 0; i < 500 && liveSessions() > before; i++) {
                Thread.sleep(10);
            }
            assertThat(liveSessions()).isEqualTo(before);
        }
    }

    @Test
    void aByeFromTheCalleeEndsTheCallToo() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            int before = liveSessions();
            String callId = RawSipClient.random();
            String ok = invite(caller, callee, callId);
            caller.send(caller.request("ACK", calleeUri(callee), callId, 1, "callee", route(ok), ""));
            callee.receiveRequest("ACK");

            // The callee's BYE: its tag in From, the caller's in To, by the Record-Route the INVITE carried (§12.1.1).
            String callerTag = "a" + callId.hashCode();
            String bye = callee.request("BYE", "sip:alice@127.0.0.1:" + caller.localPort(), callId, 1, null, route(ok), "")
                    .replace("From: <sip:alice@example.com>;tag=" + callerTag, "From: <sip:bob@example.com>;tag=callee")
                    .replace("To: <sip:alice@example.com>\r\n", "To: <sip:alice@example.com>;tag=" + callerTag + "\r\n");
            callee.send(bye);
            String forwarded = caller.receiveRequest("BYE");
            caller.send(RawSipClient.answer(forwarded, 200, "OK", callerTag, ""));
            assertThat(RawSipClient.status(callee.receiveFinal())).isEqualTo(200);
            for (int i = 0; i < 500 && liveSessions() > before; i++) {
                Thread.sleep(10);
            }
            assertThat(liveSessions()).isEqualTo(before);
        }
    }

    private static int liveSessions() {
        return server.container().applicationSessions("proxy");
    }

    private static void callThroughTheProxy(RawSipClient caller, RawSipClient callee) throws Exception {
        callThroughTheProxy(server, caller, callee);
    }

    /** One call through the proxy of {@code proxy}, set up and hung up by the caller. */
    static void callThroughTheProxy(ContainerOnStack proxy, RawSipClient caller, RawSipClient callee) throws Exception {
        String callId = RawSipClient.random();
        String ok = invite(proxy, caller, callee, callId);
        caller.send(caller.request("ACK", calleeUri(callee), callId, 1, "callee", route(ok), ""));
        callee.receiveRequest("ACK");
        hangUp(caller, callee, callId, ok);
    }

    private static String invite(RawSipClient caller, RawSipClient callee, String callId) throws Exception {
        return invite(server, caller, callee, callId);
    }

    private static String invite(ContainerOnStack proxy, RawSipClient caller, RawSipClient callee, String callId)
            throws Exception {
        caller.send(caller.request("INVITE", "sip:127.0.0.1:" + proxy.port(), callId, 1, null,
                "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + calleeUri(callee)
                        + "\r\nX-Record-Route: yes\r\n", ""));
        String invite = callee.receiveRequest("INVITE");
        callee.send(RawSipClient.answer(invite, 180, "Ringing", "callee", ""));
        assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(180);
        callee.send(RawSipClient.answer(invite, 200, "OK", "callee",
                "Contact: <" + calleeUri(callee) + ">\r\n"));
        String ok = caller.receiveFinal();
        assertThat(RawSipClient.status(ok)).isEqualTo(200);
        return ok;
    }

    private static void hangUp(RawSipClient caller, RawSipClient callee, String callId, String ok) throws Exception {
        caller.send(caller.request("BYE", calleeUri(callee), callId, 2, "callee", route(ok), ""));
        String bye = callee.receiveRequest("BYE");
        callee.send(RawSipClient.answer(bye, 200, "OK", "callee", ""));
        assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
    }

    private static String route(String ok) {
        return "Route: " + RawSipClient.header(ok, "Record-Route") + "\r\n";
    }

    private static String calleeUri(RawSipClient callee) {
        return "sip:bob@127.0.0.1:" + callee.localPort();
    }
}
