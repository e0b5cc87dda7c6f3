package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.Map;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.transport.TransportType;

/** A main servlet selects another servlet of its application through the context's named dispatcher. */
class NamedDispatchTest {

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

    @RegisterExtension
    static final ContainerOnStack server = new ContainerOnStack(TransportType.UDP, SipDeploymentInfo.builder("selecting")
            .classLoader(NamedDispatchTest.class.getClassLoader())
            .mainServlet("selector")
            .addServlet(new SipServletInfo("selector", Selector.class.getName(), 1, Map.of()))
            .addServlet(new SipServletInfo("second", Answerer.class.getName(), 1, Map.of())).build());

    @Test
    void theNamedServletAnswersAndAnUnknownNameHasNoDispatcher() throws Exception {
        try (RawSipClient client = RawSipClient.udp(server.address())) {
            String uri = "sip:127.0.0.1:" + server.port();
            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "X-Servlet: second\r\n", ""));
            String answered = client.receiveFinal();
            assertThat(RawSipClient.status(answered)).isEqualTo(200);
            assertThat(RawSipClient.header(answered, "X-Answered-By")).isEqualTo("second");

            client.send(client.request("OPTIONS", uri, RawSipClient.random(), 1, null, "X-Servlet: third\r\n", ""));
            assertThat(RawSipClient.status(client.receiveFinal())).isEqualTo(404);
        }
    }
}
