package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.overload.Messages.request;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrafficClassTest {

    private static TrafficClass classOf(String message) {
        ByteBuf buf = Messages.buffer(message);
        try {
            return TrafficClass.of(Messages.classify(buf), buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void responsesComeFirst() {
        assertThat(classOf(Messages.lines("SIP/2.0 180 Ringing", "Via: SIP/2.0/UDP a;branch=z9hG4bK1", "", "")))
                .isEqualTo(TrafficClass.RESPONSE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACK", "BYE", "CANCEL", "PRACK"})
    void inDialogMethodsAreInDialogWithoutLookingAtTo(String method) {
        assertThat(classOf(request(method, "<sip:bob@city.example.net>"))).isEqualTo(TrafficClass.IN_DIALOG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVITE", "SUBSCRIBE", "MESSAGE", "OPTIONS", "NOTIFY", "INFO", "UPDATE", "FOO"})
    void requestWithoutToTagIsNewWork(String method) {
        assertThat(classOf(request(method, "Bob <sip:bob@city.example.net>"))).isEqualTo(TrafficClass.NEW_WORK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVITE", "SUBSCRIBE", "NOTIFY", "INFO", "UPDATE", "FOO"})
    void requestWithToTagIsInDialog(String method) {
        assertThat(classOf(request(method, "Bob <sip:bob@city.example.net>;tag=a6c85cf"))).isEqualTo(TrafficClass.IN_DIALOG);
    }

    @Test
    void toTagIsFoundInCompactFormAnyCaseAndWithWhitespace() {
        String reInvite = request("INVITE", "x").replace("To: x", "t: <sip:bob@city.example.net> ; TAG = 77");
        assertThat(classOf(reInvite)).isEqualTo(TrafficClass.IN_DIALOG);
        String addrSpec = request("INVITE", "sip:bob@city.example.net;tag=77");
        assertThat(classOf(addrSpec)).as("addr-spec form: the parameters are header parameters, RFC 3261 §20.10")
                .isEqualTo(TrafficClass.IN_DIALOG);
    }

    @Test
    void toTagOnAFoldedLineIsFound() {
        String folded = request("INVITE", "Bob <sip:bob@city.example.net>\r\n ;tag=99");
        assertThat(classOf(folded)).isEqualTo(TrafficClass.IN_DIALOG);
    }

    @Test
    void tagInsideTheUriOrTheDisplayNameIsNotAToTag() {
        assertThat(classOf(request("INVITE", "<sip:bob@city.example.net;tag=1>"))).isEqualTo(TrafficClass.NEW_WORK);
        assertThat(classOf(request("INVITE", "\"Bob ;tag=1\" <sip:bob@city.example.net>"))).isEqualTo(TrafficClass.NEW_WORK);
        assertThat(classOf(request("INVITE", "<sip:bob@city.example.net>;tagx=1"))).isEqualTo(TrafficClass.NEW_WORK);
    }

    @Test
    void onlyTheToFieldCounts() {
        // From always has a tag; a tag in another header must not make the request in-dialog.
        String message = request("INVITE", "<sip:bob@city.example.net>", "X-To: <sip:x>;tag=1", "Tot: a;tag=2");
        assertThat(classOf(message)).isEqualTo(TrafficClass.NEW_WORK);
    }

    @Test
    void registerWithCredentialsIsARefreshWithoutIsNew() {
        assertThat(classOf(request("REGISTER", "<sip:alice@city.example.net>"))).isEqualTo(TrafficClass.NEW_WORK);
        assertThat(classOf(request("REGISTER", "<sip:alice@city.example.net>",
                "Authorization: Digest username=\"alice\", realm=\"city\", nonce=\"n\", uri=\"sip:city\", response=\"r\"")))
                .isEqualTo(TrafficClass.REGISTER_REFRESH);
        assertThat(classOf(request("REGISTER", "<sip:alice@city.example.net>",
                "Proxy-Authorization: Digest username=\"alice\"")))
                .as("only Authorization, the registrar's own challenge").isEqualTo(TrafficClass.NEW_WORK);
    }

    @Test
    void unclassifiableFirstLineIsNewWork() {
        assertThat(classOf("GARBAGE\r\n\r\n")).isEqualTo(TrafficClass.NEW_WORK);
        assertThat(classOf("INV")).isEqualTo(TrafficClass.NEW_WORK);
    }

    @Test
    void headWithoutToOrEndIsNewWork() {
        assertThat(classOf("INVITE sip:b@c SIP/2.0\r\nVia: SIP/2.0/UDP a\r\n")).isEqualTo(TrafficClass.NEW_WORK);
        assertThat(classOf("INVITE sip:b@c SIP/2.0\r\nno colon here\r\nTo: <sip:b@c>;tag=1\r\n\r\n"))
                .isEqualTo(TrafficClass.IN_DIALOG);
    }
}
