package org.sipcity.stack.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.WireText;

class HeaderNameTest {

    @ParameterizedTest
    @CsvSource({"v,Via", "f,From", "t,To", "i,Call-ID", "m,Contact", "l,Content-Length", "c,Content-Type",
        "e,Content-Encoding", "s,Subject", "k,Supported", "o,Event", "u,Allow-Events", "r,Refer-To",
        "b,Referred-By", "x,Session-Expires", "a,Accept-Contact", "j,Reject-Contact", "d,Request-Disposition",
        "y,Identity"})
    void compactFormsResolveToTheLongForm(String compact, String canonical) {
        HeaderName h = HeaderName.of(compact);
        assertThat(h.canonicalName()).isEqualTo(canonical);
        assertThat(h).isSameAs(HeaderName.of(canonical)).isSameAs(HeaderName.of(compact.toUpperCase()));
        assertThat(h.compactForm()).isEqualTo(compact.charAt(0));
    }

    @Test
    void lookupIsCaseInsensitiveAndAllocationFreeForKnownNames() {
        byte[] b = "xxMaX-fOrWaRdSyy".getBytes(StandardCharsets.US_ASCII);
        assertThat(HeaderName.of(b, 2, 12)).isSameAs(HeaderName.MAX_FORWARDS);
        assertThat(HeaderName.of("call-id")).isSameAs(HeaderName.CALL_ID);
        assertThat(HeaderName.of("WWW-AUTHENTICATE").canonicalName()).isEqualTo("WWW-Authenticate");
        assertThat(HeaderName.CSEQ.canonicalName()).isEqualTo("CSeq");
    }

    @Test
    void everyKnownNameIsFoundFromTextInAnyCase() throws ReflectiveOperationException {
        int known = 0;
        for (Field field : HeaderName.class.getFields()) {
            if (field.getType() == HeaderName.class && Modifier.isStatic(field.getModifiers())) {
                HeaderName name = (HeaderName) field.get(null);
                String text = name.canonicalName();
                byte[] bytes = text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
                assertThat(HeaderName.of(text)).isSameAs(name);
                assertThat(HeaderName.of(text.toLowerCase(Locale.ROOT))).isSameAs(name);
                assertThat(HeaderName.of(text.toUpperCase(Locale.ROOT))).isSameAs(name)
                        .isSameAs(HeaderName.of(bytes, 0, bytes.length));
                known++;
            }
        }
        assertThat(known).isGreaterThan(50);
    }

    @Test
    void aNameOutsideAsciiIsNoKnownNameAndNoToken() {
        assertThatThrownBy(() -> HeaderName.of("Vi\u00e1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderName.of("\u0130")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderName.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HeaderName.of("Contact-X")).isNotSameAs(HeaderName.CONTACT).isEqualTo(HeaderName.of("CONTACT-x"));
    }

    @Test
    void unknownNamesCompareCaseInsensitively() {
        HeaderName a = HeaderName.of("X-Custom");
        HeaderName b = HeaderName.of("x-CUSTOM");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.isKnown()).isFalse();
        assertThat(a.canonicalName()).isEqualTo("X-Custom");
        assertThat(a.isCommaSeparatedList()).isFalse();
        assertThat(HeaderName.of("q")).isNotEqualTo(HeaderName.VIA);
        assertThatThrownBy(() -> HeaderName.of("Bad Name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listHeadersPerRfc3261Section7_3_1() {
        assertThat(HeaderName.VIA.isCommaSeparatedList()).isTrue();
        assertThat(HeaderName.CONTACT.isCommaSeparatedList()).isTrue();
        assertThat(HeaderName.RECORD_ROUTE.isCommaSeparatedList()).isTrue();
        assertThat(HeaderName.WWW_AUTHENTICATE.isCommaSeparatedList()).isFalse();
        assertThat(HeaderName.AUTHORIZATION.isCommaSeparatedList()).isFalse();
        assertThat(HeaderName.DATE.isCommaSeparatedList()).isFalse();
    }

    @Test
    void methodsAreInternedAndCaseSensitive() {
        byte[] b = "CSeq: 1 INVITE".getBytes(StandardCharsets.US_ASCII);
        assertThat(SipMethod.of(new WireText(b), 8, 6)).isSameAs(SipMethod.INVITE);
        assertThat(SipMethod.of(new WireText(b), 8, 5).name()).isEqualTo("INVIT");
        assertThat(SipMethod.of("invite")).isNotEqualTo(SipMethod.INVITE);
        assertThat(SipMethod.of("FOO")).isEqualTo(SipMethod.of("FOO"));
        assertThat(SipMethod.of("FOO").isKnown()).isFalse();
        assertThatThrownBy(() -> SipMethod.of("FO O")).isInstanceOf(IllegalArgumentException.class);
    }
}
