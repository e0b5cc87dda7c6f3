package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;

/** The helper a proxy uses on the responses it forwards (RFC 7339 §5.2). */
class OverloadControlFeedbackTest {

    private static SipResponse response(String topVia) {
        SipResponse response = SipResponse.create(200, "OK");
        response.addHeader(HeaderName.VIA, topVia);
        response.addHeader(HeaderName.VIA, "SIP/2.0/UDP ua.example.net;branch=z9hG4bKu;oc");
        return response;
    }

    @Test
    void replacesTheOcParametersOfTheTopViaOnly() {
        SipResponse response = response("SIP/2.0/UDP p.example.net;branch=z9hG4bKp;oc=3;oc-seq=9.9;received=192.0.2.1");

        assertThat(new OverloadControlFeedback(20, 750, 1_764_000_000L, 12).applyTo(response)).isTrue();

        Via top = response.getTopVia();
        assertThat(top.branch()).isEqualTo("z9hG4bKp");
        assertThat(top.received()).isEqualTo("192.0.2.1");
        assertThat(top.parameters().get("oc")).isEqualTo("20");
        assertThat(top.parameters().unquoted("oc-algo")).isEqualTo("loss");
        assertThat(top.parameters().get("oc-validity")).isEqualTo("750");
        assertThat(top.parameters().get("oc-seq")).isEqualTo("1764000000.12");
        assertThat(response.getVias()).hasSize(2);
        assertThat(response.getVias().get(1).toString()).isEqualTo("SIP/2.0/UDP ua.example.net;branch=z9hG4bKu;oc");
    }

    @Test
    void leavesAResponseAloneWhenTheUpstreamDoesNotTakePart() {
        SipResponse response = response("SIP/2.0/UDP p.example.net;branch=z9hG4bKp");

        assertThat(new OverloadControlFeedback(20, 750, 1, 0).applyTo(response)).isFalse();
        assertThat(response.getTopVia().toString()).isEqualTo("SIP/2.0/UDP p.example.net;branch=z9hG4bKp");
    }

    @Test
    void refusesValuesOutsideTheGrammar() {
        assertThatThrownBy(() -> new OverloadControlFeedback(101, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OverloadControlFeedback(10, 0, 1, 100_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
