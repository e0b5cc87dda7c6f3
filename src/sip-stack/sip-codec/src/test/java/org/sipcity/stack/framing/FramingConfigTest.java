package org.sipcity.stack.framing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FramingConfigTest {

    @Test
    void defaultsAreTheLargestDatagramAndSixteenKilobytesOfHead() {
        FramingConfig defaults = FramingConfig.defaults();
        assertThat(defaults.maxMessageSize()).isEqualTo(65535).isEqualTo(FramingConfig.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(defaults.maxHeaderSize()).isEqualTo(16384).isEqualTo(FramingConfig.DEFAULT_MAX_HEADER_SIZE);
    }

    @Test
    void refusesAHeadLimitThatIsNotPositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FramingConfig(100, 0)).withMessageContaining("maxHeaderSize");
        assertThatIllegalArgumentException().isThrownBy(() -> new FramingConfig(100, -1));
    }

    @Test
    void refusesAMessageLimitBelowTheHeadLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FramingConfig(99, 100)).withMessageContaining("maxMessageSize");
        assertThat(new FramingConfig(100, 100).maxMessageSize()).isEqualTo(100);
    }
}
