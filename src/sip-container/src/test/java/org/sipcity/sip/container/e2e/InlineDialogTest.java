package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.DispatchMode;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.transport.TransportType;

/**
 * A dialog of an application declared inline over TCP: INVITE, ACK, a burst of INFOs, BYE, then 481, as for a worker
 * application ({@code ContainerOnStackTest}). The test servlet's INFO sleeps 20 ms (it stands for a blocking database
 * call): wrongly declared inline, so each of those tasks holds the loop and is counted as slow (the rate-limited
 * WARN that names the application and the time shows in the test output).
 */
class InlineDialogTest {

    @RegisterExtension
    static final ContainerOnStack server = new ContainerOnStack(TransportType.TCP, SipDeploymentInfo.builder("inline-dialog")
            .classLoader(InlineDialogTest.class.getClassLoader())
            .contextParameter(DispatchMode.CONTEXT_PARAMETER, "inline")
            .addServlet(new SipServletInfo("registrar", TestRegistrarServlet.class.getName(), 1, Map.of("greeting", "hello")))
            .build());

    @Test
    void aDialogRunsInOrderOnTheLoopAndItsBlockingTasksAreCountedAsSlow() throws Exception {
        TestRegistrarServlet.INFO_ORDER.clear();
        TestRegistrarServlet.MOST_INFOS_AT_ONCE.set(0);
        long slowBefore = server.container().metrics().slowEventLoopTasks();
        long inlineBefore = server.container().metrics().eventLoopTasks();
        try (RawSipClient client = RawSipClient.tcp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port() + ";transport=tcp";
            String callId = RawSipClient.random();
            client.send(client.request("INVITE", target, callId, 1, null,
                    "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ";transport=tcp>\r\n", ""));
            String ok = client.receiveFinal();
            assertThat(RawSipClient.status(ok)).isEqualTo(200);
            String tag = RawSipClient.toTag(ok);
            client.send(client.request("ACK", target, callId, 1, tag, "", ""));

            int count = 6;
            StringBuilder burst = new StringBuilder();
            for (int i = 1; i <= count; i++) {
                burst.append(client.request("INFO", target, callId, 1 + i, tag, "X-Seq: " + i + "\r\n", ""));
            }
            client.send(burst.toString());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                statuses.add(RawSipClient.status(client.receiveFinal()));
            }
            assertThat(statuses).containsOnly(200);
            assertThat(TestRegistrarServlet.MOST_INFOS_AT_ONCE.get()).isEqualTo(1);
            assertThat(TestRegistrarServlet.INFO_ORDER).containsExactly("1", "2", "3", "4", "5", "6");

            client.send(client.request("BYE", target, callId, 20, tag, "", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
            client.send(client.request("INFO", target, callId, 21, tag, "X-Seq: late\r\n", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(481);
        } finally {
            TestRegistrarServlet.INFO_ORDER.clear();
        }
        // INVITE, ACK, six INFOs, BYE ran on the loop; the six INFOs slept 20 ms each there
        assertThat(server.container().metrics().eventLoopTasks() - inlineBefore).isGreaterThanOrEqualTo(9);
        assertThat(server.container().metrics().slowEventLoopTasks() - slowBefore).isGreaterThanOrEqualTo(6);
    }
}
