package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jboss.arquillian.container.test.api.Deployer;
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
import org.sipcity.it.sip.app.Capabilities;
import org.sipcity.it.sip.app.OptionsServlet;

/**
 * A web archive with an annotated SIP servlet (JSR 289 API and CDI only) becomes a SIP application in the server's
 * container: it answers OPTIONS with 200 over UDP and TCP, with the header its injected CDI bean supplies; another
 * application comes and goes beside it without the connectors restarting.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipApplicationIT {

    private static final String SECOND = "second";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "options-app.war")
                .addClasses(OptionsServlet.class, Capabilities.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    /** Deployed and undeployed by a test, beside the first one. */
    @Deployment(name = SECOND, managed = false, testable = false)
    static WebArchive secondApplication() {
        return ShrinkWrap.create(WebArchive.class, "second-app.war")
                .addClasses(OptionsServlet.class, Capabilities.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @ArquillianResource
    Deployer deployer;

    @Test
    void servletAnswersOptionsOverUdp() throws IOException {
        String head = SipProbe.optionsOverUdp(sipAddress("sip-udp"));

        assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
        assertThat(head).containsIgnoringCase("Allow: OPTIONS, REGISTER");
    }

    @Test
    void servletAnswersOptionsOverTcp() throws IOException {
        String head = SipProbe.optionsOverTcp(sipAddress("sip-tcp"));

        assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
        assertThat(head).containsIgnoringCase("Allow: OPTIONS, REGISTER");
    }

    @Test
    void containerCountsTheDeployedApplication() throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip");
        read.get("name").set("deployed-applications");
        ModelNode response = management.getControllerClient().execute(read);
        assertThat(response.get("result").asLong()).as(response.toString()).isPositive();
    }

    @Test
    void sipFactoryAndFriendsAreBoundInTheModulesNamingContext() throws IOException {
        // jndi-view does not list a lone web module's java:module, so the binder services are read from MSC.
        ModelNode dump = new ModelNode();
        dump.get("operation").set("dump-services");
        dump.get("address").add("core-service", "service-container");
        String services = result(dump).asString();

        for (String name : new String[] {"SipFactory", "SipSessionsUtil", "TimerService"}) {
            String binder = "jboss.naming.context.java.module.options-app.options-app.env.sip.options-app." + name;
            assertThat(services.lines().map(String::trim))
                    .as("binder service of java:comp/env/sip/options-app/%s", name)
                    .contains(binder);
        }
    }

    @Test
    void deployingAndUndeployingAnotherApplicationLeavesTheConnectorsRunning() throws IOException {
        SipProbe.optionsOverTcp(sipAddress("sip-tcp"));
        long accepted = connectorMetric("tcp", "accepted-connections");
        long applications = subsystemMetric("deployed-applications");

        deployer.deploy(SECOND);
        assertThat(subsystemMetric("deployed-applications")).isEqualTo(applications + 1);
        deployer.undeploy(SECOND);

        // A restarted connector would count from zero again.
        assertThat(subsystemMetric("deployed-applications")).isEqualTo(applications);
        assertThat(connectorMetric("tcp", "accepted-connections")).isGreaterThanOrEqualTo(accepted);
        String head = SipProbe.optionsOverTcp(sipAddress("sip-tcp"));
        assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
        assertThat(connectorMetric("tcp", "accepted-connections")).isGreaterThan(accepted);
    }

    private long connectorMetric(String connector, String name) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip").add("connector", connector);
        read.get("name").set(name);
        return result(read).asLong();
    }

    private long subsystemMetric(String name) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip");
        read.get("name").set(name);
        return result(read).asLong();
    }

    private ModelNode result(ModelNode operation) throws IOException {
        ModelNode response = management.getControllerClient().execute(operation);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return response.get("result");
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
