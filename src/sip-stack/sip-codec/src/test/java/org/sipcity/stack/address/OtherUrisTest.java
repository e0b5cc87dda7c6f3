package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.parser.SipParseException;

class OtherUrisTest {

    @Test
    void telGlobalNumber() throws Exception {
        TelUrl t = (TelUrl) Uri.parse("tel:+1-201-555-0123;ext=1234");
        assertThat(t.isGlobal()).isTrue();
        assertThat(t.number()).isEqualTo("+1-201-555-0123");
        assertThat(t.digits()).isEqualTo("+12015550123");
        assertThat(t.parameters().get("ext")).isEqualTo("1234");
        assertThat(t.toString()).isEqualTo("tel:+1-201-555-0123;ext=1234");
    }

    @Test
    void telLocalNumberNeedsPhoneContext() throws Exception {
        TelUrl t = TelUrl.parse("tel:7042;phone-context=example.com");
        assertThat(t.isGlobal()).isFalse();
        assertThat(t.parameters().get("phone-context")).isEqualTo("example.com");
        assertThatThrownBy(() -> TelUrl.parse("tel:7042")).isInstanceOf(SipParseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tel:", "tel:+", "tel:+12a", "tel:+1;", "tel:+1;=x", "tel:+1;a="})
    void rejectsMalformedTel(String s) {
        assertThatThrownBy(() -> TelUrl.parse(s)).isInstanceOf(SipParseException.class);
    }

    @Test
    void otherSchemesAreKeptAsText() throws Exception {
        Uri u = Uri.parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assertThat(u).isInstanceOf(AbsoluteUri.class);
        assertThat(u.scheme()).isEqualTo("urn");
        assertThat(((AbsoluteUri) u).schemeSpecificPart()).isEqualTo("uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assertThat(Uri.parse("HTTP://www.example.com/a?b=c").scheme()).isEqualTo("http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":x", "1abc:x", "abc:", "abc", "abc:x y", "abc:<x>", "abc:%4"})
    void rejectsMalformedAbsoluteUri(String s) {
        assertThatThrownBy(() -> Uri.parse(s)).isInstanceOf(SipParseException.class);
    }
}
