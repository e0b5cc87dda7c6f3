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
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.sip.jpa.JpaServlet;
import org.sipcity.it.sip.jpa.Visit;
import org.sipcity.it.sip.jpa.VisitLog;

/**
 * JPA inside a SIP application: the servlet's {@code @PersistenceContext} entity manager and a {@code @Transactional}
 * CDI bean it injects, on the server's default datasource, used from the container's worker threads. Each OPTIONS
 * writes a row and is answered with the row count, which must grow by one per request.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipPersistenceIT {

    private static final String PERSISTENCE_XML = """
            <persistence xmlns="https://jakarta.ee/xml/ns/persistence" version="3.0">
                <persistence-unit name="visits">
                    <class>org.sipcity.it.sip.jpa.Visit</class>
                    <properties>
                        <property name="jakarta.persistence.schema-generation.database.action" value="drop-and-create"/>
                    </properties>
                </persistence-unit>
            </persistence>
            """;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "jpa-app.war")
                .addClasses(JpaServlet.class, VisitLog.class, Visit.class)
                .addAsResource(new StringAsset(PERSISTENCE_XML), "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void eachRequestIsWrittenAndCountedOverUdpAndTcp() throws IOException {
        String first = SipProbe.optionsOverUdp(sipAddress("sip-udp"));
        String second = SipProbe.optionsOverTcp(sipAddress("sip-tcp"));

        assertThat(SipProbe.statusLine(first)).as(first).isEqualTo("SIP/2.0 200 OK");
        assertThat(SipProbe.statusLine(second)).as(second).isEqualTo("SIP/2.0 200 OK");
        long before = visits(first);
        assertThat(before).isPositive();
        assertThat(visits(second)).isEqualTo(before + 1);
    }

    private static long visits(String head) {
        for (String line : head.split("\r\n")) {
            if (line.startsWith("X-Visits: ")) {
                return Long.parseLong(line.substring("X-Visits: ".length()).trim());
            }
        }
        throw new AssertionError("no X-Visits header in " + head);
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
