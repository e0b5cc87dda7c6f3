package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * RFC 3261 §16.7 step 5 and §13.2.2.4, JSR 289 §10.2.4: a record-routing proxy that forks an INVITE to two UAs which
 * both answer 200 (the second before the CANCEL could reach it) forwards both 2xx upstream; the caller has two
 * dialogs, ACKs both and hangs both up, and each dialog's ACK and BYE reach its own UA through the proxy, each BYE is
 * answered, and the proxy keeps no session once both calls are over.
 */
class ForkedInviteDialogsTest {

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.UDP);

    @Test
    void bothDialogsOfAnInviteForkedToTwoUasThatBothAnswer200AreRoutedAndEnded() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient first = RawSipClient.udp(server.address());
             RawSipClient second = RawSipClient.udp(server.address())) {
            int before = liveSessions();
            String callId = RawSipClient.random();
            caller.send(caller.request("INVITE", "sip:127.0.0.1:" + server.port(), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + uri(first) + ","
                            + uri(second) + "\r\nX-Record-Route: yes\r\n", ""));
            String inviteAtFirst = first.receiveRequest("INVITE");
            String inviteAtSecond = second.receiveRequest("INVITE");

            first.send(RawSipClient.answer(inviteAtFirst, 200, "OK", "one", "Contact: <" + uri(first) + ">\r\n"));
            String okOne = caller.receiveResponseTo("INVITE");
            // The second UA answered before any CANCEL could reach it (it sent no provisional, so none is sent).
            second.send(RawSipClient.answer(inviteAtSecond, 200, "OK", "two", "Contact: <" + uri(second) + ">\r\n"));
            String okTwo = caller.receiveResponseTo("INVITE");

            assertThat(RawSipClient.status(okOne)).isEqualTo(200);
            assertThat(RawSipClient.toTag(okOne)).isEqualTo("one");
            assertThat(RawSipClient.status(okTwo)).as("§16.7 step 5: every 2xx goes upstream").isEqualTo(200);
            assertThat(RawSipClient.toTag(okTwo)).isEqualTo("two");
            assertThat(RawSipClient.headers(okTwo, "Record-Route")).as("the second dialog is record-routed too")
                    .isNotEmpty();

            // §13.2.2.4: the caller ACKs each 2xx in its own dialog, by that dialog's route set.
            caller.send(caller.request("ACK", uri(first), callId, 1, "one", route(okOne), ""));
            caller.send(caller.request("ACK", uri(second), callId, 1, "two", route(okTwo), ""));
            assertThat(RawSipClient.toTag(first.receiveRequest("ACK"))).isEqualTo("one");
            assertThat(RawSipClient.toTag(second.receiveRequest("ACK"))).isEqualTo("two");

            // Then hangs up the dialog it does not want, and later the other: each BYE reaches its UA and is answered.
            caller.send(caller.request("BYE", uri(second), callId, 2, "two", route(okTwo), ""));
            String byeAtSecond = second.receiveRequest("BYE");
            assertThat(RawSipClient.toTag(byeAtSecond)).isEqualTo("two");
            second.send(RawSipClient.answer(byeAtSecond, 200, "OK", "two", ""));
            String byeTwoAnswer = caller.receiveResponseTo("BYE");
            assertThat(RawSipClient.status(byeTwoAnswer)).isEqualTo(200);
            assertThat(RawSipClient.toTag(byeTwoAnswer)).isEqualTo("two");

            assertThat(liveSessions()).as("the first call is still up").isGreaterThan(before);

            caller.send(caller.request("BYE", uri(first), callId, 3, "one", route(okOne), ""));
            String byeAtFirst = first.receiveRequest("BYE");
            assertThat(RawSipClient.toTag(byeAtFirst)).isEqualTo("one");
            first.send(RawSipClient.answer(byeAtFirst, 200, "OK", "one", ""));
            String byeOneAnswer = caller.receiveResponseTo("BYE");
            assertThat(RawSipClient.status(byeOneAnswer)).isEqualTo(200);
            assertThat(RawSipClient.toTag(byeOneAnswer)).isEqualTo("one");

            for (int i = 0; i < 500 && liveSessions() > before; i++) {
                Thread.sleep(10);
            }
            assertThat(liveSessions()).as("both dialogs over: no proxy session left").isEqualTo(before);
        }
    }

    /**
     * The race as it comes: the second UA rang, so the first 2xx makes the proxy CANCEL it, but its 2xx was already
     * on the way (it answers the CANCEL 200, RFC 3261 §9.2, and its INVITE stays answered). The caller ends the first
     * dialog first: the proxy must still hold the second (its session is the dialog's, JSR 289 §6.2.4.1.2) until the
     * second dialog's BYE has passed.
     */
    @Test
    void theSecondDialogOutlivesTheFirstWhenTheCancelCrossedItsTwoHundred() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient first = RawSipClient.udp(server.address());
             RawSipClient second = RawSipClient.udp(server.address())) {
            int before = liveSessions();
            String callId = RawSipClient.random();
            caller.send(caller.request("INVITE", "sip:127.0.0.1:" + server.port(), callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + caller.localPort() + ">\r\nX-Targets: " + uri(first) + ","
                            + uri(second) + "\r\nX-Record-Route: yes\r\n", ""));
            String inviteAtFirst = first.receiveRequest("INVITE");
            String inviteAtSecond = second.receiveRequest("INVITE");
            second.send(RawSipClient.answer(inviteAtSecond, 180, "Ringing", "two", ""));
            first.send(RawSipClient.answer(inviteAtFirst, 200, "OK", "one", "Contact: <" + uri(first) + ">\r\n"));
            String okOne = caller.receiveResponseTo("INVITE");
            second.send(RawSipClient.answer(inviteAtSecond, 200, "OK", "two", "Contact: <" + uri(second) + ">\r\n"));
            String cancel = second.receiveRequest("CANCEL");
            second.send(RawSipClient.answer(cancel, 200, "OK", "two", ""));
            String okTwo = caller.receiveResponseTo("INVITE");
            assertThat(RawSipClient.toTag(okOne)).isEqualTo("one");
            assertThat(RawSipClient.status(okTwo)).isEqualTo(200);
            assertThat(RawSipClient.toTag(okTwo)).isEqualTo("two");
            caller.send(caller.request("ACK", uri(first), callId, 1, "one", route(okOne), ""));
            caller.send(caller.request("ACK", uri(second), callId, 1, "two", route(okTwo), ""));
            first.receiveRequest("ACK");
            second.receiveRequest("ACK");

            caller.send(caller.request("BYE", uri(first), callId, 2, "one", route(okOne), ""));
            String byeAtFirst = first.receiveRequest("BYE");
            first.send(RawSipClient.answer(byeAtFirst, 200, "OK", "one", ""));
            assertThat(RawSipClient.toTag(caller.receiveResponseTo("BYE"))).isEqualTo("one");
            Thread.sleep(200);   // the container frees a finished session right after relaying the BYE's 200
            assertThat(liveSessions()).as("the second dialog is still up: its proxy session stays").isGreaterThan(before);

            caller.send(caller.request("BYE", uri(second), callId, 3, "two", route(okTwo), ""));
            String byeAtSecond = second.receiveRequest("BYE");
            assertThat(RawSipClient.toTag(byeAtSecond)).isEqualTo("two");
            second.send(RawSipClient.answer(byeAtSecond, 200, "OK", "two", ""));
            String byeTwoAnswer = caller.receiveResponseTo("BYE");
            assertThat(RawSipClient.status(byeTwoAnswer)).isEqualTo(200);
            assertThat(RawSipClient.toTag(byeTwoAnswer)).isEqualTo("two");
            for (int i = 0; i < 500 && liveSessions() > before; i++) {
                Thread.sleep(10);
            }
            assertThat(liveSessions()).as("both dialogs over: no proxy session left").isEqualTo(before);
        }
    }

    private static int liveSessions() {
        return server.container().applicationSessions("proxy");
    }

    private static String route(String ok) {
        StringBuilder routes = new StringBuilder();
        // §12.1.2: the route set is the Record-Route values in reverse order (one proxy here: one or two URIs)
        java.util.List<String> recordRoutes = RawSipClient.headers(ok, "Record-Route");
        for (int i = recordRoutes.size() - 1; i >= 0; i--) {
            routes.append("Route: ").append(recordRoutes.get(i)).append("\r\n");
        }
        return routes.toString();
    }

    private static String uri(RawSipClient ua) {
        return "sip:bob@127.0.0.1:" + ua.localPort();
    }
}
