package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.HostResolver;
import org.sipcity.stack.transaction.TransactionConfig;

/**
 * A proxy declared inline whose next hop is a host name, on a stack of one event loop. The lookup may take seconds
 * (a DNS server that does not answer); it must not hold the loop, which serves every other connection meanwhile. The
 * resolver here holds its lookup until the test has seen another call cross the same loop; a loop that ran the
 * lookup itself would never forward that call.
 */
class InlineProxyLookupTest {

    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final AtomicReference<Thread> LOOKED_UP_ON = new AtomicReference<>();

    private static final HostResolver HELD = host -> {
        if (!host.equals("callee.invalid")) {
            throw new UnknownHostException(host);
        }
        LOOKED_UP_ON.set(Thread.currentThread());
        try {
            RELEASE.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return InetAddress.getLoopbackAddress();
    };

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.inlineProxyOnOneLoop(TransactionConfig.defaults(), HELD);

    @Test
    void aSlowLookupDoesNotHoldTheEventLoop() throws Exception {
        try (ServerSocket named = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket direct = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RawSipClient first = RawSipClient.tcp(server.address());
             RawSipClient second = RawSipClient.tcp(server.address())) {
            named.setSoTimeout(10_000);
            direct.setSoTimeout(10_000);   // an event loop that resolved the name itself never forwards the second call
            String byName = "sip:bob@callee.invalid:" + named.getLocalPort() + ";transport=tcp";
            first.send(first.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null, "X-Targets: " + byName + "\r\n", ""));

            // While that lookup is held, a call to an address crosses the same loop.
            String byAddress = "sip:carol@127.0.0.1:" + direct.getLocalPort() + ";transport=tcp";
            second.send(second.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null, "X-Targets: " + byAddress + "\r\n", ""));
            ForwardedOptions.answer200(direct, byAddress, "carol", second);
            assertThat(LOOKED_UP_ON.get()).as("the lookup began").isNotNull();
            assertThat(LOOKED_UP_ON.get()).as("on a worker, not an event loop")
                    .isNotInstanceOf(FastThreadLocalThread.class);

            RELEASE.countDown();
            ForwardedOptions.answer200(named, byName, "bob", first);
        } finally {
            RELEASE.countDown();
        }
    }

    @Test
    void aNameThatDoesNotResolveComesBackAsAnError() throws Exception {
        try (RawSipClient caller = RawSipClient.tcp(server.address())) {
            caller.send(caller.request("OPTIONS", "sip:127.0.0.1:" + server.port() + ";transport=tcp",
                    RawSipClient.random(), 1, null, "X-Targets: sip:bob@nowhere.invalid;transport=tcp\r\n", ""));
            String answer = caller.receiveFinal();
            assertThat(RawSipClient.status(answer)).as(answer).isEqualTo(500);   // RFC 3261 §16.7 step 6: a 503 becomes 500
        }
    }
}
