package org.sipcity.sip.container.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.servlet.sip.Address;
import javax.servlet.sip.Parameterable;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.TelURL;
import javax.servlet.sip.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressAndUriTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "sip:alice@example.com",
            "sips:alice:secret@example.com:5061;transport=tcp;lr",
            "sip:bob@[2001:db8::1]:5070;maddr=192.0.2.1?subject=hello",
            "sip:192.0.2.4",
            "tel:+1-201-555-0123",
            "tel:7042;phone-context=example.com",
            "urn:service:sos"})
    void uriRoundTripsThroughTheStack(String text) throws ServletParseException {
        URI uri = Uris.parse(text);
        URI again = Uris.parse(uri.toString());
        assertThat(again).isEqualTo(uri);
        assertThat(Uris.toStack(again).toString()).isEqualTo(uri.toString());
    }

    @Test
    void sipUriPartsAreReadAndChanged() throws ServletParseException {
        SipURI uri = (SipURI) Uris.parse("sip:alice@example.com:5070;transport=udp");
        assertThat(uri.getUser()).isEqualTo("alice");
        assertThat(uri.getHost()).isEqualTo("example.com");
        assertThat(uri.getPort()).isEqualTo(5070);
        assertThat(uri.getTransportParam()).isEqualTo("udp");
        assertThat(uri.isSipURI()).isTrue();

        uri.setTransportParam("tcp");
        uri.setLrParam(true);
        uri.setPort(-1);
        uri.setUser("bob");
        assertThat(uri.toString()).isEqualTo("sip:bob@example.com;transport=tcp;lr");
        assertThat(uri.getParameter("lr")).isEqualTo("");   // JSR 289: a flag parameter reads as ""
    }

    @Test
    void sipUriRefusesWhatIsNotAHostOrPort() throws ServletParseException {
        SipURI uri = (SipURI) Uris.parse("sip:alice@example.com");
        assertThatThrownBy(() -> uri.setHost("not a host")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> uri.setPort(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> uri.setTTLParam(256)).isInstanceOf(IllegalArgumentException.class);
        assertThat(uri.toString()).isEqualTo("sip:alice@example.com");
    }

    @Test
    void sipUrisCompareAsRfc3261Section19_1_4Says() throws ServletParseException {
        // host case-insensitive, parameters in any order
        assertThat(Uris.parse("sip:alice@EXAMPLE.com;transport=tcp;lr"))
                .isEqualTo(Uris.parse("sip:alice@example.com;lr;transport=tcp"));
        // user case-sensitive
        assertThat(Uris.parse("sip:Alice@example.com")).isNotEqualTo(Uris.parse("sip:alice@example.com"));
        // a port is not the same as no port
        assertThat(Uris.parse("sip:alice@example.com:5060")).isNotEqualTo(Uris.parse("sip:alice@example.com"));
    }

    @Test
    void cloneIsIndependent() throws ServletParseException {
        SipURI uri = (SipURI) Uris.parse("sip:alice@example.com");
        SipURI copy = (SipURI) uri.clone();
        copy.setUser("bob");
        assertThat(uri.getUser()).isEqualTo("alice");
    }

    @Test
    void telUrlNumbers() throws ServletParseException {
        TelURL global = (TelURL) Uris.parse("tel:+1-201-555-0123");
        assertThat(global.isGlobal()).isTrue();
        assertThat(global.getPhoneNumber()).isEqualTo("1-201-555-0123");
        global.setPhoneNumber("7042", "example.com");
        assertThat(global.isGlobal()).isFalse();
        assertThat(global.getPhoneContext()).isEqualTo("example.com");
        assertThat(global.toString()).isEqualTo("tel:7042;phone-context=example.com");
        assertThatThrownBy(() -> global.setPhoneNumber("12ab!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badUriIsAParseErrorNamingTheText() {
        assertThatThrownBy(() -> Uris.parse("sip:"))
                .isInstanceOf(ServletParseException.class)
                .hasMessageContaining("'sip:'");
    }

    @Test
    void addressRoundTrip() throws ServletParseException {
        Address address = AddressImpl.parse("\"Alice Smith\" <sip:alice@example.com;transport=tcp>;tag=1928301774;expires=60");
        assertThat(address.getDisplayName()).isEqualTo("Alice Smith");
        assertThat(address.getURI().toString()).isEqualTo("sip:alice@example.com;transport=tcp");
        assertThat(address.getParameter("tag")).isEqualTo("1928301774");
        assertThat(address.getExpires()).isEqualTo(60);
        assertThat(address.getQ()).isEqualTo(-1.0f);
        Address again = AddressImpl.parse(address.toString());
        assertThat(again).isEqualTo(address);
        assertThat(again.getDisplayName()).isEqualTo("Alice Smith");
    }

    @Test
    void addressParametersChange() throws ServletParseException {
        Address address = AddressImpl.parse("<sip:alice@192.0.2.4:5060>");
        address.setQ(0.5f);
        address.setExpires(3600);
        address.setParameter("+sip.instance", "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"");
        assertThat(address.toString())
                .isEqualTo("<sip:alice@192.0.2.4:5060>;q=0.5;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"");
        address.setExpires(-1);
        assertThat(address.getParameter("expires")).isNull();
        assertThatThrownBy(() -> address.setQ(1.5f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressWithoutAngleBracketsKeepsHeaderParametersApart() throws ServletParseException {
        // RFC 3261 §20.10: without <>, parameters after the URI belong to the header field
        Address address = AddressImpl.parse("sip:alice@example.com;tag=abc");
        assertThat(address.getURI().getParameter("tag")).isNull();
        assertThat(address.getParameter("tag")).isEqualTo("abc");
    }

    @Test
    void wildcardContact() throws ServletParseException {
        Address star = AddressImpl.parse("*");
        assertThat(star.isWildcard()).isTrue();
        assertThat(star.toString()).isEqualTo("*");
        assertThatThrownBy(() -> star.setDisplayName("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tagOfAProtectedAddressCannotChange() throws ServletParseException {
        AddressImpl from = AddressImpl.parse("<sip:alice@example.com>;tag=1").guard(AddressImpl.Guard.TAG_PROTECTED);
        from.setDisplayName("Alice");
        assertThatThrownBy(() -> from.setParameter("tag", "2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> from.removeParameter("tag")).isInstanceOf(IllegalStateException.class);
        assertThat(from.getParameter("tag")).isEqualTo("1");
    }

    @Test
    void parameterableHeaderValues() throws ServletParseException {
        Parameterable event = ParameterableImpl.parse("presence;id=7;flag");
        assertThat(event.getValue()).isEqualTo("presence");
        assertThat(event.getParameter("id")).isEqualTo("7");
        assertThat(event.getParameter("flag")).isEqualTo("");
        assertThat(event.getParameter("missing")).isNull();
        event.setParameter("id", "8");
        assertThat(event.toString()).isEqualTo("presence;id=8;flag");

        Parameterable quoted = ParameterableImpl.parse("text/plain;note=\"a;b\"");
        assertThat(quoted.getParameter("note")).isEqualTo("\"a;b\"");
        assertThatThrownBy(() -> ParameterableImpl.parse(";x=1")).isInstanceOf(ServletParseException.class);
    }
}
