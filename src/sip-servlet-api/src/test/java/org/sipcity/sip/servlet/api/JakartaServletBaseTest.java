package org.sipcity.sip.servlet.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpSession;

import javax.servlet.sip.ConvergedHttpSession;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.junit.jupiter.api.Test;

/** The JSR 289 types that build on the Servlet API build on the Jakarta one once transformed. */
class JakartaServletBaseTest {

    @Test
    void sipServletIsAJakartaGenericServlet() {
        assertThat(SipServlet.class.getSuperclass()).isEqualTo(GenericServlet.class);
    }

    @Test
    void sipMessagesAreJakartaServletRequestsAndResponses() {
        assertThat(SipServletRequest.class.getInterfaces()).contains(ServletRequest.class);
        assertThat(SipServletResponse.class.getInterfaces()).contains(ServletResponse.class);
    }

    @Test
    void convergedSessionIsAJakartaHttpSession() {
        assertThat(ConvergedHttpSession.class.getInterfaces()).contains(HttpSession.class);
    }

    @Test
    void sipServletMethodsTakeJakartaTypes() throws NoSuchMethodException {
        assertThat(SipServlet.class.getMethod("service", ServletRequest.class, ServletResponse.class))
                .isNotNull();
    }
}
