package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.parser.SipParseException;

class NameAddressTest {

    @Test
    void quotedDisplayNameWithEscapes() throws Exception {
        NameAddress a = NameAddress.parse("\"Alice \\\"the\\\" Great\" <sip:alice@atlanta.example.com>;tag=88sja8x");
        assertThat(a.displayName()).isEqualTo("Alice \"the\" Great");
        assertThat(((SipUri) a.uri()).user()).isEqualTo("alice");
        assertThat(a.tag()).isEqualTo("88sja8x");
        assertThat(a.toString()).isEqualTo("\"Alice \\\"the\\\" Great\" <sip:alice@atlanta.example.com>;tag=88sja8x");
    }

    @Test
    void closingBracketsAreLookedForOnlyWhereTheyBelong() throws Exception {
        // the '>' of a name-addr, and the ']' of an IPv6 reference only within its URI, not in what follows
        assertThat(NameAddress.parseAll("<sip:a@b.example.com>, <sip:c@d.example.com>")).hasSize(2);
        assertThat(((SipUri) NameAddress.parse("<sip:[2001:db8::1]:5060>;x=y").uri()).host()).isEqualTo("[2001:db8::1]");
        assertThatThrownBy(() -> NameAddress.parse("<sip:[2001:db8::1>;p=]"))
                .isInstanceOf(org.sipcity.stack.parser.SipParseException.class);
        assertThatThrownBy(() -> NameAddress.parse("<sip:a@b.example.com;p=x"))
                .isInstanceOf(org.sipcity.stack.parser.SipParseException.class);
    }

    @Test
    void tokenDisplayNameAndUtf8() throws Exception {
        assertThat(NameAddress.parse("Bob  Smith <sip:bob@b.example.com>").displayName()).isEqualTo("Bob  Smith");
        assertThat(NameAddress.parse("\"Zoë ☃\" <sip:z@b.example.com>").displayName()).isEqualTo("Zoë ☃");
    }

    @Test
    void addrSpecParametersBelongToTheHeader() throws Exception {
        // RFC 3261 §20.10
        NameAddress a = NameAddress.parse("sip:bob@biloxi.example.com;tag=xyz;expires=60");
        assertThat(((SipUri) a.uri()).parameters().isEmpty()).isTrue();
        assertThat(a.tag()).isEqualTo("xyz");
        assertThat(a.parameters().get("expires")).isEqualTo("60");
        NameAddress b = NameAddress.parse("<sip:bob@biloxi.example.com;transport=tcp>;expires=60");
        assertThat(((SipUri) b.uri()).transportParam()).isEqualTo("tcp");
        assertThat(b.parameters().names()).containsExactly("expires");
    }

    @Test
    void headerParametersWithQuotedValuesAndWhitespace() throws Exception {
        NameAddress a = NameAddress.parse(
                "<sip:bob@192.0.2.4> ; +sip.instance = \"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\" ;reg-id=1; q=0.7");
        assertThat(a.parameters().get("+sip.instance")).isEqualTo("\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"");
        assertThat(a.parameters().unquoted("+SIP.INSTANCE")).isEqualTo("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
        assertThat(a.parameters().get("reg-id")).isEqualTo("1");
        assertThat(a.parameters().get("q")).isEqualTo("0.7");
    }

    @Test
    void wildcardContact() throws Exception {
        assertThat(NameAddress.parse(" * ").isWildcard()).isTrue();
        assertThat(NameAddress.parse("*").toString()).isEqualTo("*");
        assertThatThrownBy(() -> NameAddress.parse("*;expires=0")).isInstanceOf(SipParseException.class);
    }

    @Test
    void listSplitsOnlyTopLevelCommas() throws Exception {
        List<NameAddress> all = NameAddress.parseAll(
                "\"Doe, John\" <sip:a,b@example.com>;q=1, <sip:c@example.com> , sip:d@example.com;expires=5");
        assertThat(all).hasSize(3);
        assertThat(all.get(0).displayName()).isEqualTo("Doe, John");
        assertThat(((SipUri) all.get(0).uri()).user()).isEqualTo("a,b");
        assertThat(all.get(2).parameters().get("expires")).isEqualTo("5");
    }

    @Test
    void withTagKeepsTheRest() throws Exception {
        NameAddress a = NameAddress.parse("Bob <sip:bob@b.example.com>;x=1");
        NameAddress tagged = a.withTag("314");
        assertThat(tagged.toString()).isEqualTo("Bob <sip:bob@b.example.com>;x=1;tag=314");
        assertThat(a.tag()).isNull();
        assertThat(NameAddress.of("Al \"X\"", SipUri.parse("sip:a@b.example.com")).toString())
                .isEqualTo("\"Al \\\"X\\\"\" <sip:a@b.example.com>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"unterminated <sip:a@b.example.com>", "Bell, Alexander <sip:a@b.example.com>",
        "< sip:a@b.example.com >", "<sip:a@b.example.com", "sip:a@b.example.com?Route=x", "<sip:a@b.example.com>;;",
        "<sip:a@b.example.com>;tag=", "<sip:a@b.example.com> garbage", "\"x\" sip:a@b.example.com", "<>"})
    void rejectsMalformed(String s) {
        assertThatThrownBy(() -> NameAddress.parse(s)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.statusCode()).isEqualTo(400));
    }
}
