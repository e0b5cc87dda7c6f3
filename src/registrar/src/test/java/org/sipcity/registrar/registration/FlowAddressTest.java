package org.sipcity.registrar.registration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlowAddressTest {

    @Test
    void the_token_round_trips_for_ipv4_and_ipv6() {
        FlowAddress v4 = new FlowAddress("tcp", "192.0.2.10", 40000, "198.51.100.1", 5060);
        FlowAddress v6 = new FlowAddress("tls", "2001:db8::10", 40001, "2001:db8::1", 5061);
        assertThat(FlowAddress.parse(v4.token())).isEqualTo(v4);
        assertThat(FlowAddress.parse(v6.token())).isEqualTo(v6);
        assertThat(FlowAddress.parse("garbage")).isNull();
        assertThat(FlowAddress.parse(null)).isNull();
    }
}
