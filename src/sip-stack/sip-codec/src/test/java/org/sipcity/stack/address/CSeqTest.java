package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.parser.SipParseException;

class CSeqTest {

    @Test
    void parsesNumberAndMethod() throws Exception {
        assertThat(CSeq.parse("4711 INVITE")).isEqualTo(new CSeq(4711, SipMethod.INVITE));
        assertThat(CSeq.parse("0009  \t INVITE").sequence()).isEqualTo(9);
        assertThat(CSeq.parse("2147483647 FOO").method().name()).isEqualTo("FOO");
        assertThat(CSeq.parse("1 ACK").toString()).isEqualTo("1 ACK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "INVITE", "1INVITE", "-1 INVITE", "2147483648 INVITE",
        "36893488147419103232 REGISTER", "1 IN VITE", "1 INV@TE", "x1 INVITE"})
    void rejectsMalformed(String s) {
        assertThatThrownBy(() -> CSeq.parse(s)).isInstanceOfSatisfying(SipParseException.class,
                e -> assertThat(e.reasonPhrase()).isEqualTo("Bad Request - Invalid CSeq"));
    }
}
