package org.sipcity.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import org.assertj.core.api.Assertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the integration-test harness: the provisioned server starts under the managed container, takes a
 * ShrinkWrap WAR, runs CDI and JAX-RS in it, answers HTTP on loopback, and runs in-container tests through the
 * servlet protocol.
 */
@ExtendWith(ArquillianExtension.class)
class HarnessSmokeIT {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "smoke.war")
                .addClasses(HitCounter.class, HitsResource.class, SmokeApplication.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                // The in-container test asserts with AssertJ, which the server does not have.
                .addAsLibrary(jarOf(Assertions.class));
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
    }

    @Inject
    HitCounter counter;

    @Inject
    Instance<HitCounter> counters;

    @Inject
    BeanManager beanManager;

    @Test
    @RunAsClient
    void jaxRsEndpointServesTheApplicationScopedCounterOverHttp(@ArquillianResource URL base)
            throws IOException, InterruptedException {
        assertThat(InetAddress.getByName(base.getHost()).isLoopbackAddress())
                .as("the test server must listen on loopback only, found %s", base)
                .isTrue();
        URI hits = URI.create(base.toExternalForm()).resolve("api/hits");
        HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

        long before = Long.parseLong(send(client, HttpRequest.newBuilder(hits).GET()));
        String first = send(client, HttpRequest.newBuilder(hits).POST(HttpRequest.BodyPublishers.noBody()));
        String second = send(client, HttpRequest.newBuilder(hits).POST(HttpRequest.BodyPublishers.noBody()));
        String after = send(client, HttpRequest.newBuilder(hits).GET());

        assertThat(first).isEqualTo(Long.toString(before + 1));
        assertThat(second).isEqualTo(Long.toString(before + 2));
        assertThat(after).isEqualTo(second);
    }

    @Test
    void counterIsOneApplicationScopedBeanInsideTheServer() {
        Bean<?> bean = beanManager.resolve(beanManager.getBeans(HitCounter.class));
        assertThat(bean.getScope()).isEqualTo(ApplicationScoped.class);

        long before = counter.hits();
        long counted = counters.get().hit();

        assertThat(counted).isEqualTo(before + 1);
        assertThat(counter.hits()).isEqualTo(counted);
    }

    private static String send(HttpClient client, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request.timeout(HTTP_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("HTTP status of %s %s", response.request().method(), response.uri())
                .isEqualTo(200);
        return response.body();
    }
}
