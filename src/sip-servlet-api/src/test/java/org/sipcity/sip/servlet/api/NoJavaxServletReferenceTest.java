package org.sipcity.sip.servlet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No class of the transformed API still names a type or package of the javax Servlet API; the only javax.servlet
 * names left are the SIP Servlet API's own packages, which the Jakarta rules must leave alone.
 */
class NoJavaxServletReferenceTest {

    /** {@code javax.servlet} in internal ({@code /}) or binary ({@code .}) form, not followed by the SIP packages. */
    private static final Pattern JAVAX_SERVLET_OUTSIDE_SIP = Pattern.compile("javax[/.]servlet(?![/.]sip(?:[/.;$]|$))");

    private static Map<String, byte[]> classes;

    @BeforeAll
    static void readTransformedClasses() {
        classes = TransformedApi.classFiles();
    }

    @Test
    void theWholeApiIsThere() {
        assertThat(classes).containsKeys(
                "javax/servlet/sip/SipServlet.class",
                "javax/servlet/sip/SipFactory.class",
                "javax/servlet/sip/annotation/SipApplication.class",
                "javax/servlet/sip/ar/SipApplicationRouter.class",
                "javax/servlet/sip/ar/spi/SipApplicationRouterProvider.class");
    }

    @Test
    void onlyTheSipPackagesAreShipped() {
        TreeSet<String> packages = new TreeSet<>();
        classes.keySet().forEach(path -> packages.add(path.substring(0, path.lastIndexOf('/'))));
        assertThat(packages).containsExactly(
                "javax/servlet/sip", "javax/servlet/sip/annotation", "javax/servlet/sip/ar", "javax/servlet/sip/ar/spi");
    }

    @Test
    void noClassReferencesTheJavaxServletApi() throws IOException {
        List<String> offending = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
            for (String text : ConstantPool.utf8Entries(entry.getValue())) {
                if (JAVAX_SERVLET_OUTSIDE_SIP.matcher(text).find()) {
                    offending.add(entry.getKey() + ": " + text);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void theServletReferencesArePresentInJakartaForm() throws IOException {
        List<String> sipServletTexts = ConstantPool.utf8Entries(classes.get("javax/servlet/sip/SipServlet.class"));
        assertThat(sipServletTexts).contains("jakarta/servlet/GenericServlet");
    }

    @Test
    void thePatternTellsServletNamesFromSipNames() {
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("javax/servlet/GenericServlet").find()).isTrue();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("(Ljavax/servlet/http/HttpSession;)V").find()).isTrue();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("javax.servlet.request.X509Certificate").find()).isTrue();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("javax/servlet/sipx/Foo").find()).isTrue();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("Ljavax/servlet/sip/SipServletRequest;").find()).isFalse();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("javax.servlet.sip.outboundInterfaces").find()).isFalse();
        assertThat(JAVAX_SERVLET_OUTSIDE_SIP.matcher("javax/servlet/sip/ar/spi").find()).isFalse();
    }
}
