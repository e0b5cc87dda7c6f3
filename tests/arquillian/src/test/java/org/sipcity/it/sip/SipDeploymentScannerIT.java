package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sipcity.it.sip.plain.PlainOptionsServlet;

/**
 * A SIP application written only against the JSR 289 API, its servlet declared in {@code WEB-INF/sip.xml}, deploys by
 * being copied into a folder the server's deployment scanner watches (as {@code deployments/} is watched outside the
 * tests), answers OPTIONS, and is undeployed when the file is removed. The test adds a scanner of its own on a
 * temporary folder, with a short interval, and removes it afterwards.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipDeploymentScannerIT {

    private static final String WAR = "plain-app.war";
    private static final String SCANNER = "sip-it";
    private static final int POLL_MILLIS = 200;
    private static final int POLLS = 300;   // a minute at most

    /** Never deployed by Arquillian: the test copies it into the scanned folder. */
    @Deployment(name = "plain", managed = false, testable = false)
    static WebArchive plainApplication() {
        return ShrinkWrap.create(WebArchive.class, WAR)
                .addClass(PlainOptionsServlet.class)
                .addAsWebInfResource("plain/sip.xml", "sip.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @TempDir
    Path scanned;

    @Test
    void copiedApplicationDeploysAnswersAndGoesWhenRemoved() throws Exception {
        addScanner(scanned);
        try {
            Path war = scanned.resolve(WAR);
            plainApplication().as(ZipExporter.class).exportTo(war.toFile(), true);

            ModelNode status = await(deploymentStatus(), result -> "OK".equals(result.asString()), "status OK of " + WAR);
            assertThat(status.asString()).isEqualTo("OK");
            String head = SipProbe.optionsOverUdp(sipAddress("sip-udp"));
            assertThat(SipProbe.statusLine(head)).isEqualTo("SIP/2.0 200 OK");
            assertThat(head).contains("X-Application: plain-app");

            Files.delete(war);
            await(deploymentStatus(), result -> !result.isDefined(), "removal of " + WAR);
            // No SIP application is left to take the request: maintenance, answered 503 with Retry-After (RFC 3261
            // §21.5.4), as before the first deployment, not a 404 that tells a phone its user does not exist.
            String after = SipProbe.optionsOverUdp(sipAddress("sip-udp"));
            assertThat(SipProbe.statusLine(after)).startsWith("SIP/2.0 503 ");
            assertThat(after).containsIgnoringCase("Retry-After:");
        } finally {
            removeScanner();
        }
    }

    private void addScanner(Path folder) throws IOException {
        ModelNode add = new ModelNode();
        add.get("operation").set("add");
        add.get("address").add("subsystem", "deployment-scanner").add("scanner", SCANNER);
        add.get("path").set(folder.toAbsolutePath().toString());
        add.get("scan-interval").set(POLL_MILLIS);
        execute(add);
    }

    private void removeScanner() throws IOException {
        ModelNode remove = new ModelNode();
        remove.get("operation").set("remove");
        remove.get("address").add("subsystem", "deployment-scanner").add("scanner", SCANNER);
        execute(remove);
    }

    /** {@code status} of the deployment, or an undefined node once there is no such deployment. */
    private ModelNode deploymentStatus() {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("deployment", WAR);
        read.get("name").set("status");
        return read;
    }

    private ModelNode await(ModelNode read, Predicate<ModelNode> done, String what) throws Exception {
        ModelNode result = new ModelNode();
        for (int i = 0; i < POLLS; i++) {
            ModelNode response = management.getControllerClient().execute(read);
            result = "success".equals(response.get("outcome").asString()) ? response.get("result") : new ModelNode();
            if (done.test(result)) {
                return result;
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new AssertionError("No " + what + " within " + POLLS * POLL_MILLIS / 1000 + " s; last: " + result);
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        ModelNode response = management.getControllerClient().execute(operation);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return response.get("result");
    }

    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), execute(read).asInt());
    }
}
