package org.sipcity.sip.container.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.servlet.sip.Address;
import javax.servlet.sip.Parameterable;
import javax.servlet.sip.SipServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.parser.SipMessageParser;

/** JSR 289 §4.1.2 system headers, and the header, address and content accessors on real parsed messages. */
class SystemHeadersTest {

    private static SipServletRequestImpl received(String method, String extraHeaders, String body) throws Exception {
        String text = method + " sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: Bob <sip:bob@example.com>\r\n"
                + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
                + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
                + "CSeq: 314159 " + method + "\r\n"
                + "Contact: <sip:alice@192.0.2.1>;expires=600\r\n"
                + "Record-Route: <sip:p1.example.com;lr>\r\n"
                + "Route: <sip:p2.example.com;lr>\r\n"
                + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SipRequest request = (SipRequest) new SipMessageParser(ParserConfig.defaults()).parse(bytes, 0, bytes.length);
        return new SipServletRequestImpl(request, null, MessageEndpoints.UNKNOWN, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq", "Record-Route", "Path",
            "RSeq", "RAck", "Content-Length", "l"})
    void alwaysProtected(String header) throws Exception {
        SipServletRequestImpl request = received("REGISTER", "", "");
        assertThatThrownBy(() -> request.setHeader(header, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("system header");
        assertThatThrownBy(() -> request.addHeader(header, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request.removeHeader(header)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathIsWrittenOnlyInResponsesToRegisterAndPushedOnARegisterReceived() throws Exception {
        SipServletResponse okToRegister = received("REGISTER", "", "").createResponse(200);
        okToRegister.addHeader("Path", "<sip:edge.example.com;lr>");   // RFC 3327 §5.3: the registrar returns it
        assertThat(okToRegister.getHeader("Path")).isEqualTo("<sip:edge.example.com;lr>");
        SipServletResponse okToInvite = received("INVITE", "", "").createResponse(200);
        assertThatThrownBy(() -> okToInvite.addHeader("Path", "<sip:edge.example.com;lr>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Path");

        SipServletRequestImpl register = received("REGISTER", "Path: <sip:outer.example.com;lr>\r\n", "");
        register.pushPath(new AddressImpl(org.sipcity.stack.address.NameAddress.parse(
                "<sip:192.0.2.1:5060;transport=tcp;lr;ob;flow=tcp:192.0.2.9:40000>")));
        List<String> path = new java.util.ArrayList<>();
        register.getHeaders("Path").forEachRemaining(path::add);
        assertThat(path).hasSize(2);
        assertThat(path.get(0)).as("ours on top, its flow sealed").contains(";ob").contains("flow=tcp:192.0.2.9:40000~");
        assertThat(path.get(1)).isEqualTo("<sip:outer.example.com;lr>");
        SipServletRequestImpl invite = received("INVITE", "", "");
        assertThatThrownBy(() -> invite.pushPath(new AddressImpl(org.sipcity.stack.address.NameAddress.parse(
                "<sip:192.0.2.1;lr>")))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void protectedHeadersStayAsReceived() throws Exception {
        SipServletRequestImpl request = received("INVITE", "", "");
        try {
            request.removeHeader("Via");
        } catch (IllegalArgumentException expected) {
            // checked above; here: nothing changed
        }
        assertThat(request.getHeader("Via")).isEqualTo("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds");
        assertThat(request.getCallId()).isEqualTo("a84b4c76e66710@pc33.example.com");
    }

    @Test
    void routeIsProtectedOnAReceivedRequestButNotOnOneTheApplicationBuilds() throws Exception {
        SipServletRequestImpl received = received("INVITE", "", "");
        assertThatThrownBy(() -> received.setHeader("Route", "<sip:p3.example.com;lr>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Route");

        SipRequest fresh = SipRequest.create(SipMethod.INVITE, SipUri.parse("sip:bob@example.com"));
        SipServletRequestImpl built = new SipServletRequestImpl(fresh, null, false);
        built.setHeader("Route", "<sip:p3.example.com;lr>");
        assertThat(built.getHeader("Route")).isEqualTo("<sip:p3.example.com;lr>");
    }

    @Test
    void contactIsWritableInRegisterOnly() throws Exception {
        SipServletRequestImpl register = received("REGISTER", "", "");
        register.setHeader("Contact", "<sip:alice@192.0.2.9>");
        assertThat(register.getHeader("m")).isEqualTo("<sip:alice@192.0.2.9>");

        SipServletRequestImpl invite = received("INVITE", "", "");
        assertThatThrownBy(() -> invite.setHeader("Contact", "<sip:alice@192.0.2.9>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSR 289 §4.1.3");
    }

    @Test
    void contactOfResponses() throws Exception {
        SipServletResponse okToOptions = received("OPTIONS", "", "").createResponse(200);
        okToOptions.setHeader("Contact", "<sip:bob@192.0.2.2>");
        SipServletResponse redirect = received("INVITE", "", "").createResponse(302);
        redirect.setHeader("Contact", "<sip:bob@192.0.2.3>");
        SipServletResponse okToInvite = received("INVITE", "", "").createResponse(200);
        assertThatThrownBy(() -> okToInvite.setHeader("Contact", "<sip:bob@192.0.2.2>"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromAndToOfAReceivedRequestAreReadOnly() throws Exception {
        SipServletRequestImpl request = received("INVITE", "", "");
        Address from = request.getFrom();
        assertThat(from.getDisplayName()).isEqualTo("Alice");
        assertThat(from.getParameter("tag")).isEqualTo("1928301774");
        assertThatThrownBy(() -> from.setDisplayName("Mallory")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> request.getTo().setParameter("tag", "x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fromOfARequestTheApplicationBuildsChangesExceptItsTag() throws Exception {
        SipRequest fresh = SipRequest.create(SipMethod.MESSAGE, SipUri.parse("sip:bob@example.com"));
        fresh.setHeader(HeaderName.FROM, "<sip:alice@example.com>;tag=abc");
        fresh.setHeader(HeaderName.TO, "<sip:bob@example.com>");
        SipServletRequestImpl built = new SipServletRequestImpl(fresh, null, true);
        built.getFrom().setDisplayName("Alice");
        assertThatThrownBy(() -> built.getFrom().setParameter("tag", "x")).isInstanceOf(IllegalStateException.class);
        built.flushAddressViews();
        assertThat(built.stackMessage().getHeader(HeaderName.FROM)).isEqualTo("\"Alice\" <sip:alice@example.com>;tag=abc");
    }

    @Test
    void otherHeadersAreTheApplications() throws Exception {
        SipServletRequestImpl request = received("MESSAGE", "Subject: hi\r\n", "");
        request.setHeader("Subject", "changed");
        request.addHeader("X-Trace", "1");
        request.addHeader("X-Trace", "2");
        assertThat(request.getHeader("s")).isEqualTo("changed");
        assertThat(request.getHeaders("X-Trace")).toIterable().containsExactly("1", "2");
        request.removeHeader("X-Trace");
        assertThat(request.getHeader("X-Trace")).isNull();
        List<String> names = new java.util.ArrayList<>();
        request.getHeaderNames().forEachRemaining(names::add);
        assertThat(names).contains("Via", "From", "To", "Call-ID", "CSeq", "Subject");
    }

    @Test
    void addressAndParameterableHeaders() throws Exception {
        SipServletRequestImpl request = received("SUBSCRIBE", "Event: presence;id=7\r\nAccept: application/pidf+xml\r\n", "");
        Address contact = request.getAddressHeader("Contact");
        assertThat(contact.getURI().toString()).isEqualTo("sip:alice@192.0.2.1");
        assertThat(contact.getExpires()).isEqualTo(600);
        Parameterable event = request.getParameterableHeader("Event");
        assertThat(event.getValue()).isEqualTo("presence");
        assertThat(event.getParameter("id")).isEqualTo("7");
        assertThat(request.getParameterableHeader("Record-Route")).isInstanceOf(Address.class);
        assertThatThrownBy(() -> ((Address) request.getParameterableHeader("Record-Route")).setDisplayName("x"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(request.getAddressHeader("Reply-To")).isNull();
    }

    @Test
    void contentFollowsItsType() throws Exception {
        SipServletRequestImpl request = received("MESSAGE", "Content-Type: text/plain;charset=UTF-8\r\n", "grüße");
        assertThat(request.getContent()).isEqualTo("grüße");
        assertThat(request.getCharacterEncoding()).isEqualTo("UTF-8");
        assertThat(request.getContentLength()).isEqualTo("grüße".getBytes(StandardCharsets.UTF_8).length);

        SipServletResponse response = request.createResponse(200);
        response.setContent(new byte[] {1, 2, 3}, "application/octet-stream");
        assertThat(response.getContent()).isEqualTo(new byte[] {1, 2, 3});
        assertThat(response.getContentLength()).isEqualTo(3);
        assertThat(response.getHeader("Content-Length")).isEqualTo("3");
        assertThatThrownBy(() -> response.setContent(42, "text/plain")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void responsesAreCreatedOnlyWhereTheyMayBe() throws Exception {
        SipServletRequestImpl request = received("OPTIONS", "", "");
        SipServletResponse response = request.createResponse(486, "Busy Here");
        assertThat(response.getStatus()).isEqualTo(486);
        assertThat(response.getReasonPhrase()).isEqualTo("Busy Here");
        assertThat(response.getHeader("Via")).isEqualTo(request.getHeader("Via"));
        assertThatThrownBy(() -> request.createResponse(700)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> received("ACK", "", "").createResponse(200)).isInstanceOf(IllegalStateException.class);

        response.setHeader("X-Kept", "yes");
        response.setStatus(480, "Temporarily Unavailable");
        assertThat(response.getStatus()).isEqualTo(480);
        assertThat(response.getHeader("X-Kept")).isEqualTo("yes");
    }

    @Test
    void maxForwardsAndExpires() throws Exception {
        SipRequest fresh = SipRequest.create(SipMethod.REGISTER, SipUri.parse("sip:example.com"));
        SipServletRequestImpl built = new SipServletRequestImpl(fresh, null, true);
        built.setMaxForwards(10);
        built.setExpires(3600);
        assertThat(built.getMaxForwards()).isEqualTo(10);
        assertThat(built.getExpires()).isEqualTo(3600);
        assertThatThrownBy(() -> built.setMaxForwards(256)).isInstanceOf(IllegalArgumentException.class);
    }
}
