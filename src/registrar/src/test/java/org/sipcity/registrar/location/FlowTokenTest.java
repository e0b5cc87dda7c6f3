package org.sipcity.registrar.location;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipcity.registrar.registration.FlowAddress;

class FlowTokenTest {

    @Test
    void an_ipv4_token_is_kept_as_two_longs_and_given_back_as_stored() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String text = new FlowAddress(new String[] {"udp", "tcp", "tls"}[random.nextInt(3)], ipv4(random),
                    random.nextInt(65536), ipv4(random), random.nextInt(65536)).token();
            FlowToken token = FlowToken.of(text);
            assertThat(token.isCompact()).as(text).isTrue();
            assertThat(token.text()).isEqualTo(text);
        }
    }

    private static String ipv4(Random random) {
        return random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    @Test
    void the_extremes_round_trip() {
        for (String text : new String[] {"udp:0.0.0.0:0>0.0.0.0:0", "tls:255.255.255.255:65535>255.255.255.255:65535",
                "tcp:192.0.2.10:40312>198.51.100.1:5060"}) {
            FlowToken token = FlowToken.of(text);
            assertThat(token.isCompact()).isTrue();
            assertThat(token.text()).isEqualTo(text);
        }
    }

    /** Anything not written the one way the compact form writes it is kept exactly as given. */
    @ParameterizedTest
    @ValueSource(strings = {
        "tcp:[2001:db8::1]:5060>[2001:db8::2]:5060", // IPv6
        "sctp:192.0.2.1:5060>192.0.2.2:5060", "TCP:192.0.2.1:5060>192.0.2.2:5060", "ws:192.0.2.1:80>192.0.2.2:80",
        "tcp:192.0.2.01:5060>192.0.2.2:5060", // leading zero
        "tcp:192.0.2.1:05060>192.0.2.2:5060", "tcp:192.0.2.256:5060>192.0.2.2:5060", "tcp:192.0.2.1:65536>192.0.2.2:5060",
        "tcp:192.0.2:5060>192.0.2.2:5060", "tcp:192.0.2.1.5:5060>192.0.2.2:5060", "tcp:192.0.2.1:5060>192.0.2.2:",
        "tcp:192.0.2.1:5060>192.0.2.2:5060 ", "tcp:192.0.2.1:5060", "tcp:host.example.org:5060>192.0.2.2:5060",
        "tcp:192.0.2.1:5060>192.0.2.2:5060>x", "", ">", "tcp:"})
    void any_other_value_is_kept_as_text(String text) {
        FlowToken token = FlowToken.of(text);
        assertThat(token.isCompact()).as(text).isFalse();
        assertThat(token.text()).isSameAs(text);
    }

    @Test
    void equal_values_are_equal() {
        String text = "tcp:192.0.2.10:40312>198.51.100.1:5060";
        assertThat(FlowToken.of(text)).isEqualTo(FlowToken.of(new String(text)))
                .hasSameHashCodeAs(FlowToken.of(new String(text)))
                .isNotEqualTo(FlowToken.of("tls:192.0.2.10:40312>198.51.100.1:5060"))
                .isNotEqualTo(FlowToken.of("tcp:192.0.2.10:40313>198.51.100.1:5060"));
        assertThat(FlowToken.of("tcp:[2001:db8::1]:5060>[2001:db8::2]:5060"))
                .isEqualTo(FlowToken.of("tcp:[2001:db8::1]:5060>[2001:db8::2]:5060"));
    }

    @Test
    void connections_are_told_from_udp_in_either_form() {
        assertThat(FlowToken.of("udp:192.0.2.10:5060>198.51.100.1:5060").isConnection()).isFalse();
        assertThat(FlowToken.of("udp:[2001:db8::1]:5060>[2001:db8::2]:5060").isConnection()).as("text form").isFalse();
        assertThat(FlowToken.of("tcp:192.0.2.10:40312>198.51.100.1:5060").isConnection()).isTrue();
        assertThat(FlowToken.of("tls:192.0.2.10:40312>198.51.100.1:5061").isConnection()).isTrue();
        assertThat(FlowToken.of("tcp:[2001:db8::1]:40312>[2001:db8::2]:5060").isConnection()).as("text form").isTrue();
        assertThat(FlowToken.of("wss:192.0.2.10:40312>198.51.100.1:443").isConnection()).isTrue();
        assertThat(FlowToken.of("something else").isConnection()).isFalse();
    }

    @Test
    void null_stays_null() {
        assertThat(FlowToken.of(null)).isNull();
    }
}
