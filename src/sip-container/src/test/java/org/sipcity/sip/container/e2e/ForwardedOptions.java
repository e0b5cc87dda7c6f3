package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The next hop of a proxied OPTIONS, played by a plain server socket: takes the proxy's connection and answers it. */
final class ForwardedOptions {

    private ForwardedOptions() {
    }

    /**
     * Accepts the proxy's connection on {@code callee}, checks that the OPTIONS it forwards is addressed to
     * {@code target}, answers 200 with To tag {@code tag}, and checks that {@code caller} gets that 200.
     */
    static void answer200(ServerSocket callee, String target, String tag, RawSipClient caller) throws IOException {
        try (Socket connection = callee.accept()) {
            connection.setSoTimeout(10_000);
            String forwarded = ProxyOverTcpTest.readHead(connection.getInputStream());
            assertThat(forwarded).startsWith("OPTIONS " + target + " SIP/2.0");
            connection.getOutputStream().write(RawSipClient.answer(forwarded, 200, "OK", tag, "")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(RawSipClient.status(caller.receiveFinal())).isEqualTo(200);
        }
    }
}
