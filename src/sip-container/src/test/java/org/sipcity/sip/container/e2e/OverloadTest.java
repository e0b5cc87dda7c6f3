package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/** When the worker queue is full, new initial requests are answered 503 + Retry-After from the event loop. */
class OverloadTest {

    @Test
    void fullQueueAnswers503WithRetryAfter() throws Exception {
        TestRegistrarServlet.blockEntered = new CountDownLatch(1);
        TestRegistrarServlet.blockRelease = new CountDownLatch(1);
        SipContainerConfig config = SipContainerConfig.defaults().withWorkers(1, 1);
        try (SipContainer container = new SipContainer(config)) {
            SipStack stack = new SipStack(SipStackConfig.defaults(), container);
            try {
                container.bind(stack);
                container.deploy(SipDeploymentInfo.builder("busy").classLoader(getClass().getClassLoader())
                        .addServlet(new SipServletInfo("s", TestRegistrarServlet.class.getName(), 1, Map.of())).build());
                SipConnector tcp = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP)
                        .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
                String uri = "sip:127.0.0.1:" + tcp.localAddress().getPort() + ";transport=tcp";
                try (RawSipClient client = RawSipClient.tcp(tcp.localAddress())) {
                    // 1: occupies the only worker
                    client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "X-Block: yes\r\n", ""));
                    assertThat(TestRegistrarServlet.blockEntered.await(10, TimeUnit.SECONDS)).isTrue();
                    // 2: waits in the queue, which is now full
                    client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "", ""));
                    for (int i = 0; i < 500 && container.metrics().queuedTasks() < 1; i++) {
                        Thread.sleep(10);
                    }
                    assertThat(container.metrics().queuedTasks()).isEqualTo(1);
                    // 3: refused at once
                    client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "", ""));
                    String refused = client.receiveFinal();
                    assertThat(RawSipClient.status(refused)).isEqualTo(503);
                    assertThat(RawSipClient.header(refused, "Retry-After")).isEqualTo("5");
                    assertThat(container.metrics().rejectedInitialRequests()).isEqualTo(1);

                    TestRegistrarServlet.blockRelease.countDown();
                    assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
                    assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
                }
            } finally {
                TestRegistrarServlet.blockRelease.countDown();
                stack.close();
            }
        }
    }
}
