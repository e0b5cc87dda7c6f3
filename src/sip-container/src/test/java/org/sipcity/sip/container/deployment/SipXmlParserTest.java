package org.sipcity.sip.container.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;

class SipXmlParserTest {

    private static final String SOURCE = "WEB-INF/sip.xml of registrar.war";

    private static SipDeploymentInfo parse(String xml) throws SipDeploymentException {
        return SipXmlParser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), SOURCE, "registrar-war")
                .build();
    }

    @Test
    void readsAJsr289DescriptorWithNamespacesAndPrefixes() throws Exception {
        SipDeploymentInfo info = parse("""
                <?xml version="1.0" encoding="UTF-8"?>
                <sip-app xmlns="http://www.jcp.org/xml/ns/sipservlet" xmlns:javaee="http://java.sun.com/xml/ns/javaee"
                         version="1.1">
                    <app-name>registrar</app-name>
                    <javaee:display-name>SIP City registrar</javaee:display-name>
                    <javaee:context-param>
                        <javaee:param-name>domain</javaee:param-name>
                        <javaee:param-value>example.com</javaee:param-value>
                    </javaee:context-param>
                    <servlet-selection>
                        <main-servlet>register</main-servlet>
                    </servlet-selection>
                    <javaee:listener><javaee:listener-class>org.example.Audit</javaee:listener-class></javaee:listener>
                    <javaee:servlet>
                        <javaee:servlet-name>register</javaee:servlet-name>
                        <javaee:servlet-class>org.example.Register</javaee:servlet-class>
                        <javaee:init-param>
                            <javaee:param-name>max-expires</javaee:param-name>
                            <javaee:param-value>7200</javaee:param-value>
                        </javaee:init-param>
                        <javaee:load-on-startup>1</javaee:load-on-startup>
                    </javaee:servlet>
                    <javaee:servlet>
                        <javaee:servlet-name>options</javaee:servlet-name>
                        <javaee:servlet-class>org.example.Options</javaee:servlet-class>
                    </javaee:servlet>
                    <javaee:resource-ref><javaee:res-ref-name>jdbc/location</javaee:res-ref-name></javaee:resource-ref>
                    <javaee:session-config><javaee:session-timeout>5</javaee:session-timeout></javaee:session-config>
                </sip-app>
                """);
        assertThat(info.applicationName()).isEqualTo("registrar");
        assertThat(info.displayName()).isEqualTo("SIP City registrar");
        assertThat(info.mainServlet()).isEqualTo("register");
        assertThat(info.contextParameters()).containsEntry("domain", "example.com");
        assertThat(info.listenerClasses()).containsExactly("org.example.Audit");
        assertThat(info.servlets()).containsExactly(
                new SipServletInfo("register", "org.example.Register", 1, Map.of("max-expires", "7200")),
                new SipServletInfo("options", "org.example.Options", -1, Map.of()));
        assertThat(info.sessionTimeoutMinutes()).isEqualTo(5);
        assertThat(info.source()).isEqualTo(SOURCE);
    }

    @Test
    void withoutAppNameTheModuleNameIsUsed() throws Exception {
        SipDeploymentInfo info = parse("""
                <sip-app><servlet><servlet-name>a</servlet-name><servlet-class>x.A</servlet-class></servlet></sip-app>
                """);
        assertThat(info.applicationName()).isEqualTo("registrar-war");
        assertThat(info.sessionTimeoutMinutes()).isEqualTo(SipDeploymentInfo.DEFAULT_SESSION_TIMEOUT_MINUTES);
    }

    @Test
    void aValueOfTheWrongTypeNamesFileLineAndElement() {
        assertThatThrownBy(() -> parse("""
                <sip-app>
                    <app-name>registrar</app-name>
                    <servlet>
                        <servlet-name>register</servlet-name>
                        <servlet-class>org.example.Register</servlet-class>
                        <load-on-startup>soon</load-on-startup>
                    </servlet>
                </sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessage(SOURCE + " line 6: <load-on-startup> must be an integer, found 'soon'");
    }

    @Test
    void anUnknownElementNamesFileLineAndElement() {
        assertThatThrownBy(() -> parse("""
                <sip-app>
                    <app-name>registrar</app-name>
                    <servlet>
                        <servlet-name>register</servlet-name>
                        <servlet-klass>org.example.Register</servlet-klass>
                    </servlet>
                </sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessage(SOURCE + " line 5: unknown element <servlet-klass> in <servlet>");
    }

    @Test
    void aServletWithoutClassIsNamedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                <sip-app>
                    <servlet>
                        <servlet-name>register</servlet-name>
                    </servlet>
                </sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessage(SOURCE + " line 2: <servlet> needs <servlet-name> and <servlet-class>");
    }

    @Test
    void malformedXmlNamesFileAndLine() {
        assertThatThrownBy(() -> parse("""
                <sip-app>
                    <app-name>registrar</app-name>
                    <servlet>
                </sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessageStartingWith(SOURCE + " line 4")
                .hasMessageContaining("not well-formed XML");
    }

    @Test
    void externalEntitiesAreRefused() {
        assertThatThrownBy(() -> parse("""
                <?xml version="1.0"?>
                <!DOCTYPE sip-app [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
                <sip-app><app-name>&secret;</app-name></sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessageStartingWith(SOURCE);
    }

    @Test
    void jsr116MappingsAreRefusedWithAHint() {
        assertThatThrownBy(() -> parse("""
                <sip-app>
                  <servlet-mapping><servlet-name>a</servlet-name></servlet-mapping>
                </sip-app>
                """))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("<main-servlet>");
    }

    @Test
    void theRootMustBeSipApp() {
        assertThatThrownBy(() -> parse("<web-app/>"))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessage(SOURCE + " line 1: the root element is <web-app>, expected <sip-app>");
    }
}
