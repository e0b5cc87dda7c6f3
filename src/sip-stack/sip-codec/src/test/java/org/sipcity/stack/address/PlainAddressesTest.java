package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain-shape check must accept only what the full grammar accepts (the parser then leaves the value to
 * be parsed on first read, where a failure would break the promise that system header getters never fail),
 * and must accept the shapes real phones send (or the saving is lost).
 */
class PlainAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"sip:registrar.city.example.net", "sip:alice@192.0.2.41:50412;transport=tcp;ob",
        "sips:bob@city.example.net", "SIP:bob@example.com:5061", "sip:+15551234567@gw.example.net;user=phone",
        "sip:192.0.2.1;lr", "sip:a.b-c_d!~*'()@host.example.com."})
    void commonSipUrisArePlainAndParse(String uri) throws Exception {
        assertThat(PlainAddresses.isPlainSipUri(uri, 0, uri.length())).isTrue();
        assertThat(Uri.parse(uri)).isInstanceOf(SipUri.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<sip:alice@city.example.net>", "<sip:alice@city.example.net>;tag=7c1d2e9a",
        "Bob <sip:bob@city.example.net>;tag=8321234356", "\"Alice Smith\" <sip:alice@city.example.net>;tag=1",
        "J Rosenberg <sip:j@example.com:5060;transport=udp>"})
    void commonNameAddressesArePlainAndParse(String value) throws Exception {
        assertThat(PlainAddresses.isPlainNameAddress(value, 0, value.length())).isTrue();
        assertThat(NameAddress.parse(value).isWildcard()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:alice%40x@host", "sip:alice:secret@host", "sip:[2001:db8::1]", "sip:host?Subject=x",
        "sip:host:", "sip:host:65536", "sip:-host", "sip:host;", "sip:host;p=", "sip:1.2.3", "sip:", "tel:+1555",
        "sip:alice@", "sip:a@b@c"})
    void otherSipUrisAreLeftToTheFullGrammar(String uri) {
        assertThat(PlainAddresses.isPlainSipUri(uri, 0, uri.length())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:alice@host;tag=1", "*", "*x <sip:a@b>", "\"A \\\"q\\\"\" <sip:a@b>", "<sip:a@b>;=1",
        "<sip:a@b>;tag=\"x\"", "<sip:a@b> ;tag=1", "<sip:a@b", "\"open <sip:a@b>", "<sip:a@b>x", "Ren\u00e9 <sip:a@b>"})
    void otherNameAddressesAreLeftToTheFullGrammar(String value) {
        assertThat(PlainAddresses.isPlainNameAddress(value, 0, value.length())).isFalse();
    }

    @Test
    void readsARangeOfReceivedBytes() {
        byte[] wire = "To: <sip:bob@example.com>;tag=1\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(PlainAddresses.isPlainNameAddress(new WireText(wire), 4, wire.length - 2)).isTrue();
        assertThat(PlainAddresses.isPlainNameAddress(new WireText(wire), 4, wire.length)).isFalse();
    }

    private static final List<String> PIECES = List.of("sip:", "sips:", "SIP:", "alice", "a", "@", "host", "example",
        ".", "-", "1", "255", "256", "192.0.2.1", ":", "5060", "99999", "0", ";", "=", "transport", "tcp", "lr",
        "<", ">", "\"", "Bob", " ", "\t", "*", "%41", "%4", "[::1]", "[", "]", "?", "&", ",", "tag", "\\", "..",
        "/", "$", "+", "'", "~", "(", "é");

    @Provide
    Arbitrary<String> pieced() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(14).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> nameAddressLike() {
        return Arbitraries.of("", "Bob ", "\"Bob\" ", "*", "\"a\\\"\" ").flatMap(display -> pieced().flatMap(uri ->
                Arbitraries.of("", ";tag=1", ";tag", ";=1", ";tag=\"q\"", " ;tag=1", ";tag=1;x").map(params ->
                        display + "<" + uri + ">" + params)));
    }

    @Property(tries = 5000)
    void aPlainSipUriAlwaysParses(@ForAll("pieced") String uri) {
        if (PlainAddresses.isPlainSipUri(uri, 0, uri.length())) {
            assertThatCode(() -> assertThat(Uri.parse(uri)).isInstanceOf(SipUri.class)).doesNotThrowAnyException();
        }
    }

    @Property(tries = 5000)
    void aPlainNameAddressAlwaysParses(@ForAll("nameAddressLike") String value) {
        if (PlainAddresses.isPlainNameAddress(value, 0, value.length())) {
            assertThatCode(() -> assertThat(NameAddress.parse(value).isWildcard()).isFalse())
                    .doesNotThrowAnyException();
        }
    }
}
