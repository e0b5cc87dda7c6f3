package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {

    @Test
    void acceptsLoopbackTargetsAndSources() {
        assertThat(LoopbackAddresses.target("127.0.0.1:5060").getPort()).isEqualTo(5060);
        assertThat(LoopbackAddresses.target("[::1]:5099").getAddress().isLoopbackAddress()).isTrue();
        assertThat(LoopbackAddresses.sources("127.0.0.2, 127.0.0.3,127.1.2.3")).hasSize(3);
    }

    @Test
    void refusesAnythingElse() {
        assertThatThrownBy(() -> LoopbackAddresses.target("10.0.0.1:5060"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only loopback");
        assertThatThrownBy(() -> LoopbackAddresses.sources("127.0.0.2,192.168.1.1"))
                .hasMessageContaining("Refusing source 192.168.1.1");
        assertThatThrownBy(() -> LoopbackAddresses.target("localhost:5060")).hasMessageContaining("literal");
        assertThatThrownBy(() -> LoopbackAddresses.target("127.0.0.1")).hasMessageContaining("address:port");
        assertThatThrownBy(() -> LoopbackAddresses.target("127.0.0.1:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> LoopbackAddresses.sources(" , ")).hasMessageContaining("At least one");
    }
}
