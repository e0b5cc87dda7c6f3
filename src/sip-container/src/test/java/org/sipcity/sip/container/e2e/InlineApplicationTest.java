package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.DispatchMode;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.transport.TransportType;

/**
 * An application declared inline ({@code org.sipcity.sip.dispatch = inline}) over real TCP on loopback: its servlet
 * runs on the event loop that read the request, inside the application's thread context (class loader and the
 * embedder's ThreadSetup, which in WildFly is the naming context), and the task is counted as run on a loop.
 */
class InlineApplicationTest {

    @RegisterExtension
    static final ContainerOnStack server = new ContainerOnStack(TransportType.TCP, SipDeploymentInfo.builder("inline")
            .classLoader(ThreadContextTest.APPLICATION_LOADER)
            .contextParameter(DispatchMode.CONTEXT_PARAMETER, "inline")
            .addServlet(new SipServletInfo("context", ThreadContextServlet.class.getName(), 1, Map.of()))
            .addThreadSetup(() -> {
                String previous = ThreadContextServlet.CONTEXT.get();
                ThreadContextServlet.CONTEXT.set("application-context");
                return () -> ThreadContextServlet.CONTEXT.set(previous);
            })
            .build());

    @Test
    void theServletRunsOnTheEventLoopInsideTheApplicationsThreadContext() throws Exception {
        assertThat(server.container().dispatchMode("inline")).isEqualTo(DispatchMode.INLINE);
        long before = server.container().metrics().eventLoopTasks();
        try (RawSipClient client = RawSipClient.tcp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port() + ";transport=tcp";
            for (int cseq = 1; cseq <= 3; cseq++) {
                client.send(client.request("OPTIONS", target, RawSipClient.random(), cseq, null, "", ""));
                String response = client.receiveFinal();

                assertThat(RawSipClient.status(response)).isEqualTo(200);
                assertThat(RawSipClient.header(response, "X-Thread")).as("the stack's event loop").startsWith("sip-io");
                assertThat(RawSipClient.header(response, "X-Context")).isEqualTo("application-context");
                assertThat(RawSipClient.header(response, "X-Class-Loader-Is-Application")).isEqualTo("true");
            }
        }
        // (the first task of a fresh JVM may count as slow: class loading and the interpreter, not the application)
        assertThat(server.container().metrics().eventLoopTasks() - before).isEqualTo(3);
    }
}
