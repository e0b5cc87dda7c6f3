package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * RFC 3261 §16.3 step 4: a request the proxy forwarded that comes back to it unchanged (a next hop routes it
 * back) is answered 482 Loop Detected; one that comes back with another Request-URI is spiralling and is forwarded
 * again.
 */
class LoopDetectionTest {

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.UDP);

    @Test
    void aRequestComingBackUnchangedIsAnswered482AndASpiralIsForwarded() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient nextHop = RawSipClient.udp(server.address())) {
            String bob = "sip:bob@127.0.0.1:" + nextHop.localPort();
            caller.send(caller.request("OPTIONS", bob, RawSipClient.random(), 1, null, "X-Targets: " + bob + "\r\n", ""));
            String forwarded = nextHop.receiveRequest("OPTIONS");
            assertThat(RawSipClient.headers(forwarded, "Via")).hasSize(2);

            // the next hop, a proxy itself, routes it back to us as it came
            nextHop.send(viaNextHop(forwarded, nextHop, "z9hG4bKloop"));
            String looped = nextHop.receive();
            assertThat(looped).as("the looped request is answered, not forwarded again").startsWith("SIP/2.0 482 ");
            assertThat(RawSipClient.headers(looped, "Via").get(0)).contains("z9hG4bKloop");

            // the next hop retargets it (another Request-URI) and sends it back: a spiral, forwarded once more
            String retargeted = viaNextHop(forwarded, nextHop, "z9hG4bKspiral")
                    .replaceFirst("^OPTIONS \\S+ ", "OPTIONS sip:bob-mobile@127.0.0.1:" + nextHop.localPort() + " ");
            nextHop.send(retargeted);
            String spiralled = nextHop.receiveRequest("OPTIONS");
            assertThat(RawSipClient.headers(spiralled, "Via")).as(spiralled).hasSize(4);
            nextHop.send(RawSipClient.answer(spiralled, 200, "OK", "bob", ""));
            nextHop.send(RawSipClient.answer(forwarded, 200, "OK", "bob", ""));
            assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
        }
    }

    /** {@code request} with the next hop's Via on top, as a proxy forwards it. */
    private static String viaNextHop(String request, RawSipClient nextHop, String branch) {
        int lineEnd = request.indexOf("\r\n") + 2;
        return request.substring(0, lineEnd) + "Via: SIP/2.0/UDP 127.0.0.1:" + nextHop.localPort() + ";branch=" + branch
                + ";rport\r\n" + request.substring(lineEnd);
    }
}
