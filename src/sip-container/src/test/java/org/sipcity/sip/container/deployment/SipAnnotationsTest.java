package org.sipcity.sip.container.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.servlet.sip.SipServlet;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.sip.container.deployment.annotated.PublisherServlet;
import org.sipcity.sip.container.deployment.annotated.WatcherListener;
import org.sipcity.sip.container.deployment.annotated.WatcherServlet;

class SipAnnotationsTest {

    private static final List<Class<?>> CLASSES = List.of(WatcherServlet.class, PublisherServlet.class,
            WatcherListener.class, String.class);

    @Test
    void annotationsDescribeAnApplication() throws Exception {
        SipDeploymentInfo info = SipAnnotations.read(CLASSES, null, "presence-war", "presence.war").build();
        assertThat(info.applicationName()).isEqualTo("presence");
        assertThat(info.mainServlet()).isEqualTo("watcher");
        assertThat(info.sessionTimeoutMinutes()).isEqualTo(10);
        assertThat(info.servlets()).containsExactly(
                new SipServletInfo("watcher", WatcherServlet.class.getName(), 1, Map.of()),
                new SipServletInfo("PublisherServlet", PublisherServlet.class.getName(), -1, Map.of()));
        assertThat(info.listenerClasses()).containsExactly(WatcherListener.class.getName());
    }

    @Test
    void sipXmlWinsWhereItSpeaks() throws Exception {
        String xml = """
                <sip-app>
                  <app-name>presence-xml</app-name>
                  <servlet-selection><main-servlet>PublisherServlet</main-servlet></servlet-selection>
                  <servlet>
                    <servlet-name>watcher</servlet-name>
                    <servlet-class>%s</servlet-class>
                    <init-param><param-name>mode</param-name><param-value>strict</param-value></init-param>
                  </servlet>
                </sip-app>
                """.formatted(WatcherServlet.class.getName());
        SipDeploymentInfo.Builder descriptor = SipXmlParser.parse(
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "sip.xml", "presence-war");
        SipDeploymentInfo info = SipAnnotations.read(CLASSES, descriptor, "presence-war", "presence.war").build();
        assertThat(info.applicationName()).isEqualTo("presence-xml");
        assertThat(info.mainServlet()).isEqualTo("PublisherServlet");
        assertThat(info.servlets()).extracting(SipServletInfo::name).containsExactly("watcher", "PublisherServlet");
        assertThat(info.servlets().get(0).initParameters()).containsEntry("mode", "strict");
    }

    @Test
    void annotatedApplicationDeploys() throws Exception {
        SipDeploymentInfo info = SipAnnotations.read(CLASSES, null, "presence-war", "presence.war")
                .classLoader(getClass().getClassLoader()).build();
        try (SipContainer container = new SipContainer(SipContainerConfig.defaults().withWorkers(1, 10))) {
            container.deploy(info);
            assertThat(container.applicationNames()).containsExactly("presence");
            assertThat(container.servletContext("presence").getAttribute(SipServlet.SIP_FACTORY)).isNotNull();
            assertThat(container.servletContext("presence").getAttribute(SipServlet.TIMER_SERVICE)).isNotNull();
            assertThat(container.servletContext("presence").getAttribute(SipServlet.SIP_SESSIONS_UTIL)).isNotNull();
        }
    }

    @Test
    void deploymentFaultsNameTheApplicationAndTheCause() {
        try (SipContainer container = new SipContainer(SipContainerConfig.defaults().withWorkers(1, 10))) {
            SipDeploymentInfo missingClass = SipDeploymentInfo.builder("broken").source("broken.war")
                    .addServlet(new SipServletInfo("s", "org.example.Missing")).build();
            assertThatThrownBy(() -> container.deploy(missingClass))
                    .isInstanceOf(SipDeploymentException.class)
                    .hasMessageContaining("SIP application broken (broken.war)")
                    .hasMessageContaining("org.example.Missing cannot be loaded");

            SipDeploymentInfo twoWithoutMain = SipDeploymentInfo.builder("ambiguous")
                    .addServlet(new SipServletInfo("a", WatcherServlet.class.getName()))
                    .addServlet(new SipServletInfo("b", PublisherServlet.class.getName())).build();
            assertThatThrownBy(() -> container.deploy(twoWithoutMain))
                    .isInstanceOf(SipDeploymentException.class)
                    .hasMessageContaining("no main-servlet");

            SipDeploymentInfo notAServlet = SipDeploymentInfo.builder("odd")
                    .addServlet(new SipServletInfo("a", WatcherListener.class.getName())).build();
            assertThatThrownBy(() -> container.deploy(notAServlet))
                    .isInstanceOf(SipDeploymentException.class)
                    .hasMessageContaining("is not a servlet");
            assertThat(container.applicationNames()).isEmpty();
        }
    }
}
