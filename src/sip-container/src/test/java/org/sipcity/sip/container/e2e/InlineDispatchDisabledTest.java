package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.DispatchMode;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.transport.TransportType;

/**
 * The operator's switch ({@code SipContainerConfig.inlineDispatch} false): an application that declares inline in its
 * sip.xml still has its servlet run on a worker, over real TCP on loopback, and no task is counted as run on a loop.
 */
class InlineDispatchDisabledTest {

    @RegisterExtension
    static final ContainerOnStack server = new ContainerOnStack(TransportType.TCP, SipDeploymentInfo.builder("declared-inline")
            .classLoader(ThreadContextTest.APPLICATION_LOADER)
            .contextParameter(DispatchMode.CONTEXT_PARAMETER, "inline")
            .addServlet(new SipServletInfo("context", ThreadContextServlet.class.getName(), 1, Map.of()))
            .build(), SipContainerConfig.defaults().withWorkers(2, 100).withInlineDispatch(false));

    @Test
    void anApplicationDeclaredInlineRunsOnAWorkerWhenTheSwitchIsOff() throws Exception {
        assertThat(server.container().declaredDispatchMode("declared-inline")).isEqualTo(DispatchMode.INLINE);
        assertThat(server.container().dispatchMode("declared-inline")).isEqualTo(DispatchMode.WORKER);
        long before = server.container().metrics().eventLoopTasks();
        try (RawSipClient client = RawSipClient.tcp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port() + ";transport=tcp";
            for (int cseq = 1; cseq <= 3; cseq++) {
                client.send(client.request("OPTIONS", target, RawSipClient.random(), cseq, null, "", ""));
                String response = client.receiveFinal();

                assertThat(RawSipClient.status(response)).isEqualTo(200);
                assertThat(RawSipClient.header(response, "X-Thread")).as("a worker, not the event loop").startsWith("sip-worker");
                assertThat(RawSipClient.header(response, "X-Class-Loader-Is-Application")).isEqualTo("true");
            }
        }
        assertThat(server.container().metrics().eventLoopTasks() - before).isZero();
    }
}
