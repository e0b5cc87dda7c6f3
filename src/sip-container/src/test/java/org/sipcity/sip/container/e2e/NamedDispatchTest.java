package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

/** A main servlet selects another servlet of its application through the context's named dispatcher. */
class NamedDispatchTest {

    private static SipContainer container;
    private static SipStack stack;
    private static SipConnector udp;

    /** The main servlet: hands every request to the servlet its X-Servlet header names. */
    public static class Selector extends SipServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doRequest(SipServletRequest request) throws ServletException, IOException {
            String name = request.getHeader("X-Servlet");
            RequestDispatcher dispatcher = getServletContext().getNamedDispatcher(name);
            if (dispatcher == null) {
                request.createResponse(404, "No servlet " + name).send();
                return;
            }
            request.getSession().setHandler(name);
            dispatcher.forward(request, null);
        }
    }

    /** Answers with its own name. */
    public static class Answerer extends SipServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doOptions(SipServletRequest request) throws IOException {
            var ok = request.createResponse(200);
            ok.setHeader("X-Answered-By", getServletName());
            ok.send();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        container = new SipContainer(SipContainerConfig.defaults().withWorkers(2, 100));
        stack = new SipStack(SipStackConfig.defaults(), container);
        container.bind(stack);
        container.deploy(SipDeploymentInfo.builder("selecting").classLoader(NamedDispatchTest.class.getClassLoader())
                .mainServlet("selector")
                .addServlet(new SipServletInfo("selector", Selector.class.getName(), 1, Map.of()))
                .addServlet(new SipServletInfo("second", Answerer.class.getName(), 1, Map.of())).build());
        udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (container != null) {
            container.close();
        }
    }

    @Test
    void theNamedServletAnswersAndAnUnknownNameHasNoDispatcher() throws Exception {
        try (RawSipClient client = RawSipClient.udp(udp.localAddress())) {
            String uri = "sip:127.0.0.1:" + udp.localAddress().getPort();
            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "X-Servlet: second\r\n", ""));
            String answered = client.receiveFinal();
            assertThat(RawSipClient.status(answered)).isEqualTo(200);
            assertThat(RawSipClient.header(answered, "X-Answered-By")).isEqualTo("second");

            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "X-Servlet: third\r\n", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(404);
        }
    }
}
