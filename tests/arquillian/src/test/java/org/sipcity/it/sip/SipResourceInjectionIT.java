package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.sip.naming.NamingServlet;

/**
 * A SIP servlet running on the container's worker thread sees its module's {@code java:comp} (the thread setup
 * enters the deployment's naming context) and gets {@code @Resource} SipFactory, SipSessionsUtil and TimerService.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipResourceInjectionIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "naming-app.war")
                .addClasses(NamingServlet.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void servletLooksUpAndIsInjectedWithTheSameSipFactory() throws IOException {
        String head = SipProbe.optionsOverUdp(sipAddress("sip-udp"));

        assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
        assertThat(head).contains("X-Lookup: same-as-injected");
        assertThat(head).contains("Contact: <sip:injected@127.0.0.1>");
        assertThat(head).contains("X-Sessions-Util: true").contains("X-Timer-Service: true");
    }

    @Test
    void theSameHoldsOverTcp() throws IOException {
        String head = SipProbe.optionsOverTcp(sipAddress("sip-tcp"));

        assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
        assertThat(head).contains("X-Lookup: same-as-injected");
    }

    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        ModelNode response = management.getControllerClient().execute(read);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), response.get("result").asInt());
    }
}
