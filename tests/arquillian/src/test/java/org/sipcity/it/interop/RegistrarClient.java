package org.sipcity.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * The server side of the interop tests, through its management API and the test-only servlets added to the registrar
 * archive ({@code org.sipcity.it.registrar.seed}): socket-binding ports, connector metrics, subscriber import and
 * binding counts.
 */
final class RegistrarClient {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

    private final ManagementClient management;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    RegistrarClient(ManagementClient management) {
        this.management = management;
    }

    /** Where a socket binding of the server is bound (port offset applied), on loopback. */
    InetSocketAddress boundAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), execute(read).asInt());
    }

    /** A runtime metric of a connector of {@code /subsystem=sip}. */
    long connectorMetric(String connector, String metric) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("subsystem", "sip").add("connector", connector);
        read.get("name").set(metric);
        return execute(read).asLong();
    }

    /** Imports {@code username,domain,password} lines with the registrar's CSV importer; returns its report. */
    String importSubscribers(String csv) throws IOException, InterruptedException {
        return post("it/subscribers/import", "text/csv", csv);
    }

    /** {@code live <n>} and {@code stored <n>} for the given AORs (see BindingCountServlet). */
    String bindings(String aorPrefix, String aorsOneALine) throws IOException, InterruptedException {
        return post("it/bindings?aor-prefix=" + aorPrefix, "text/plain", aorsOneALine);
    }

    private String post(String path, String type, String body) throws IOException, InterruptedException {
        URI registrar = URI.create("http://127.0.0.1:" + boundAddress("http").getPort() + "/sipcity-registrar/");
        HttpRequest request = HttpRequest.newBuilder(registrar.resolve(path)).timeout(HTTP_TIMEOUT)
                .header("Content-Type", type + ";charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        ModelNode response = management.getControllerClient().execute(operation);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return response.get("result");
    }
}
