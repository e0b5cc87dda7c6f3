package org.sipcity.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What wildfly-config promises about the server it provisions, read from the running server's management model
 * and its management HTTP endpoint: the SIP socket bindings, the deployment scanner, the console and metrics.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProvisionedServerIT {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    @ArquillianResource
    ManagementClient management;

    /** An empty WAR: Arquillian binds its container resources, the management client among them, to a deployment. */
    @Deployment(testable = false)
    static WebArchive anchor() {
        return ShrinkWrap.create(WebArchive.class, "provisioned-server.war")
                .addAsWebResource(new StringAsset("provisioned server checks"), "index.txt");
    }

    @Test
    void sipSocketBindingsAreExpressionsWithTheRfc3261Defaults() throws IOException {
        // RFC 3261 §18.2.1: 5060 for UDP and TCP, 5061 for TLS.
        assertSocketBinding("sip-udp", "${sipcity.sip.port:5060}", 5060);
        assertSocketBinding("sip-tcp", "${sipcity.sip.port:5060}", 5060);
        assertSocketBinding("sip-tls", "${sipcity.sips.port:5061}", 5061);
    }

    @Test
    void serverRunsWithTheTestPortOffset() throws IOException {
        ModelNode offset = readAttribute(Operations.createAddress("socket-binding-group", "standard-sockets"),
                "port-offset", true);
        assertThat(offset.asInt()).isEqualTo(Integer.getInteger("sipcity.it.port-offset"));
    }

    @Test
    void deploymentScannerWatchesTheRepositoryDeploymentsFolderAndIsOffForTests() throws IOException {
        ModelNode scanner = Operations.createAddress("subsystem", "deployment-scanner", "scanner", "default");

        assertThat(readAttribute(scanner, "relative-to", false).isDefined()).isFalse();
        assertThat(Path.of(readAttribute(scanner, "path", false).asString()))
                .isEqualTo(Path.of(System.getProperty("sipcity.deployments.dir")));
        assertThat(readAttribute(scanner, "scan-enabled", false).getType()).isEqualTo(ModelType.EXPRESSION);
        assertThat(readAttribute(scanner, "scan-enabled", true).asBoolean()).isFalse();
    }

    @Test
    void managementConsoleAndMetricsAreServed() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        // The management HTTP interface also serves the console (web-console layer) and /metrics (metrics layer).
        URI managementBase = URI.create("http://" + management.getMgmtAddress() + ":" + management.getMgmtPort() + "/");

        HttpResponse<String> console = get(client, managementBase.resolve("console/index.html"));
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.body()).containsIgnoringCase("<html");

        HttpResponse<String> metrics = get(client, managementBase.resolve("metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE ");
    }

    private void assertSocketBinding(String name, String portExpression, int defaultPort) throws IOException {
        ModelNode binding = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", name);
        ModelNode port = readAttribute(binding, "port", false);
        assertThat(port.getType()).as("port of %s", name).isEqualTo(ModelType.EXPRESSION);
        assertThat(port.asExpression().getExpressionString()).as("port of %s", name).isEqualTo(portExpression);
        assertThat(readAttribute(binding, "port", true).asInt()).as("resolved port of %s", name).isEqualTo(defaultPort);
        assertThat(readAttribute(binding, "fixed-port", false).asBoolean()).as("fixed-port of %s", name).isFalse();
    }

    private ModelNode readAttribute(ModelNode address, String attribute, boolean resolveExpressions) throws IOException {
        ModelNode operation = Operations.createReadAttributeOperation(address, attribute);
        operation.get("resolve-expressions").set(resolveExpressions);
        ModelNode outcome = management.getControllerClient().execute(operation);
        assertThat(Operations.isSuccessfulOutcome(outcome)).as("read %s of %s: %s", attribute, address, outcome).isTrue();
        return Operations.readResult(outcome);
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
