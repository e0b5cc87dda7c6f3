package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.sip.SipServlet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.sip.container.api.ThreadSetup;
import org.sipcity.stack.transport.TransportType;

/**
 * An application's {@link ThreadSetup} wraps the calls into its code on the workers and at deployment, with its class
 * loader as context class loader, and is torn down after each; its initializer runs before its servlets exist.
 */
class ThreadContextTest {

    /** A loader of its own, so that "the context class loader is the application's" cannot hold by accident. */
    static final ClassLoader APPLICATION_LOADER =
            new URLClassLoader(new URL[0], ThreadContextTest.class.getClassLoader());
    private static final AtomicInteger SETUPS = new AtomicInteger();
    private static final AtomicInteger TEARDOWNS = new AtomicInteger();

    @RegisterExtension
    static final ContainerOnStack server = new ContainerOnStack(TransportType.UDP, SipDeploymentInfo.builder("context")
            .classLoader(APPLICATION_LOADER)
            .addServlet(new SipServletInfo("context", ThreadContextServlet.class.getName(), 1, Map.of()))
            .addInitializer(context -> ThreadContextServlet.publishedFactory = context.getAttribute(SipServlet.SIP_FACTORY))
            .addThreadSetup(() -> {
                String previous = ThreadContextServlet.CONTEXT.get();
                ThreadContextServlet.CONTEXT.set("application-context");
                SETUPS.incrementAndGet();
                return () -> {
                    ThreadContextServlet.CONTEXT.set(previous);
                    TEARDOWNS.incrementAndGet();
                };
            })
            .build());

    @Test
    void servletRunsInsideTheApplicationsThreadContext() throws Exception {
        try (RawSipClient client = RawSipClient.udp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port();
            client.send(client.request("OPTIONS", target, RawSipClient.random(), 1, null, "", ""));
            String response = client.receiveFinal();

            assertThat(RawSipClient.status(response)).isEqualTo(200);
            assertThat(RawSipClient.header(response, "X-Context")).isEqualTo("application-context");
            assertThat(RawSipClient.header(response, "X-Thread")).as("not declared inline: a worker").startsWith("sip-worker");
            assertThat(RawSipClient.header(response, "X-Class-Loader-Is-Application")).isEqualTo("true");
            // created at deployment inside the context, after the initializer saw the published SipFactory
            assertThat(RawSipClient.header(response, "X-Context-At-Construction")).isEqualTo("application-context");
            assertThat(RawSipClient.header(response, "X-Factory-Before-Construction")).isEqualTo("true");
        }
    }

    @Test
    void everySetupIsTornDown() throws Exception {
        try (RawSipClient client = RawSipClient.udp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port();
            client.send(client.request("OPTIONS", target, RawSipClient.random(), 1, null, "", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(200);
        }
        // The response leaves before the worker's scope closes: poll, bounded.
        for (int i = 0; i < 100 && SETUPS.get() != TEARDOWNS.get(); i++) {
            Thread.sleep(20);
        }
        assertThat(SETUPS.get()).isGreaterThanOrEqualTo(2);   // deployment + at least one request
        assertThat(TEARDOWNS.get()).isEqualTo(SETUPS.get());
        assertThat(ThreadContextServlet.CONTEXT.get()).isNull();   // this thread never entered
    }
}
