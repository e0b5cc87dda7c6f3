package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.parser.SipParseException;

class SipUriTest {

    @Test
    void parsesEveryComponent() throws Exception {
        SipUri u = SipUri.parse("sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");
        assertThat(u.isSecure()).isTrue();
        assertThat(u.scheme()).isEqualTo("sips");
        assertThat(u.user()).isEqualTo("alice");
        assertThat(u.password()).isEqualTo("secret");
        assertThat(u.host()).isEqualTo("atlanta.example.com");
        assertThat(u.port()).isEqualTo(5061);
        assertThat(u.transportParam()).isEqualTo("tcp");
        assertThat(u.lr()).isTrue();
        assertThat(u.parameters().get("lr")).isNull();
        assertThat(u.maddr()).isEqualTo("239.255.255.1");
        assertThat(u.parameters().names()).containsExactly("transport", "lr", "maddr");
        assertThat(u.headers().get("subject")).isEqualTo("project x");
        assertThat(u.headers().get("PRIORITY")).isEqualTo("urgent");
    }

    @Test
    void hostOnlyAndDefaults() throws Exception {
        SipUri u = SipUri.parse("sip:biloxi.example.com");
        assertThat(u.user()).isNull();
        assertThat(u.port()).isEqualTo(-1);
        assertThat(u.parameters().isEmpty()).isTrue();
        assertThat(u.headers().isEmpty()).isTrue();
        assertThat(u.toString()).isEqualTo("sip:biloxi.example.com");
    }

    @Test
    void schemeIsCaseInsensitive() throws Exception {
        assertThat(SipUri.parse("SIP:bob@Example.COM").scheme()).isEqualTo("sip");
        assertThat(SipUri.parse("SIP:bob@Example.COM").host()).isEqualTo("Example.COM");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sip:[::1]|[::1]|-1",
        "sip:bob@[2001:db8::9:1]:5070;transport=tls|[2001:db8::9:1]|5070",
        "sip:[2001:db8:0:0:0:0:0:1]|[2001:db8:0:0:0:0:0:1]|-1",
        "sip:[::ffff:192.0.2.1]:5060|[::ffff:192.0.2.1]|5060",
        "sip:192.0.2.4:0|192.0.2.4|0"})
    void parsesIpReferences(String text, String host, int port) throws Exception {
        SipUri u = SipUri.parse(text);
        assertThat(u.host()).isEqualTo(host);
        assertThat(u.port()).isEqualTo(port);
        assertThat(SipUri.parse(u.toString())).isEqualTo(u);
    }

    @Test
    void unescapesAndEscapesAgain() throws Exception {
        SipUri u = SipUri.parse("sip:%61lice%20smith@example.com;n%61me=v%61lue%25?h%20x=%3Cy%3E");
        assertThat(u.user()).isEqualTo("alice smith");
        assertThat(u.parameters().get("name")).isEqualTo("value%");
        assertThat(u.headers().get("h x")).isEqualTo("<y>");
        assertThat(u.toString()).isEqualTo("sip:alice%20smith@example.com;name=value%25?h%20x=%3Cy%3E");
        assertThat(SipUri.parse(u.toString()).user()).isEqualTo("alice smith");
    }

    @Test
    void userPartMayHoldSemicolonsAndTelephoneSubscribers() throws Exception {
        SipUri u = SipUri.parse("sip:+1-212-555-1212;isub=1411;postd=pp22@gateway.example.com;user=phone");
        assertThat(u.user()).isEqualTo("+1-212-555-1212;isub=1411;postd=pp22");
        assertThat(u.userParam()).isEqualTo("phone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:", "sip:@host", "sip:host:65536", "sip:host:", "sip:ho st", "sip:[::1", "sip:[1:2:3]",
        "sip:user@host;", "sip:user@host;=x", "sip:user@host?", "sip:a%2@host", "sip:a%zz@host", "sip:-host.example.com",
        "sip:host..com", "sip:user@host@other", "http://x", "sip:user@host;p=", "sip:[::1]:99999", "sip:999.1.1.1",
        "sip:user@host?a", "sip:us\"er@host", "sip:user@exa_mple.com"})
    void rejectsMalformed(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    /** RFC 3261 §19.1.4: the pairs it lists as equivalent and not equivalent. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sip:%61lice@atlanta.com;transport=TCP|sip:alice@AtLanTa.CoM;Transport=tcp|true",
        "sip:carol@chicago.com|sip:carol@chicago.com;newparam=5|true",
        "sip:carol@chicago.com;security=on|sip:carol@chicago.com;newparam=5|true",
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com|sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com|true",
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent|sip:alice@atlanta.com?priority=urgent&subject=project%20x|true",
        "SIP:ALICE@AtLanTa.CoM;Transport=udp|sip:alice@AtLanTa.CoM;Transport=UDP|false",
        "sip:bob@biloxi.com|sip:bob@biloxi.com:5060|false",
        "sip:bob@biloxi.com|sip:bob@biloxi.com;transport=udp|false",
        "sip:bob@biloxi.com|sip:bob@biloxi.com:6000;transport=tcp|false",
        "sip:carol@chicago.com|sip:carol@chicago.com?Subject=next%20meeting|false",
        "sip:bob@phone21.boxesbybob.com|sip:bob@192.0.2.4|false",
        "sip:carol@chicago.com;security=on|sip:carol@chicago.com;security=off|false"})
    void comparesAsRfc3261Section19_1_4(String a, String b, boolean equivalent) throws Exception {
        assertThat(SipUri.parse(a).equivalentTo(SipUri.parse(b))).isEqualTo(equivalent);
        assertThat(SipUri.parse(b).equivalentTo(SipUri.parse(a))).isEqualTo(equivalent);
    }

    @Test
    void builderBuildsAndChecksHost() throws Exception {
        SipUri u = SipUri.builder().user("bob").host("2001:db8::1").port(5080).parameter("transport", "tcp")
                .parameter("lr", null).header("Subject", "hi there").build();
        assertThat(u.toString()).isEqualTo("sip:bob@[2001:db8::1]:5080;transport=tcp;lr?Subject=hi%20there");
        assertThat(SipUri.parse(u.toString()).equivalentTo(u)).isTrue();
        SipUri changed = u.toBuilder().secure(true).removeParameter("lr").removeHeaders().build();
        assertThat(changed.toString()).isEqualTo("sips:bob@[2001:db8::1]:5080;transport=tcp");
        assertThat(u.lr()).isTrue();
        assertThatThrownBy(() -> SipUri.builder().host("bad host").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SipUri.builder().build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parametersOfAParsedUriAreReadOnly() throws Exception {
        SipUri u = SipUri.parse("sip:a@b;lr");
        assertThatThrownBy(() -> u.parameters().set("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(u.parameters().copy().set("x", "y").get("X")).isEqualTo("y");
    }
}
