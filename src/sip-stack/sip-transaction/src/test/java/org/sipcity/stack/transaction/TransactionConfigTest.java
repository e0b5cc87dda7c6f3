package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionConfigTest {

    @Test
    void defaultsFollowRfc3261Table4AndRfc6026() {
        TransactionConfig c = TransactionConfig.defaults();

        assertThat(c.t1()).isEqualTo(500);
        assertThat(c.t2()).isEqualTo(4000);
        assertThat(c.t4()).isEqualTo(5000);
        assertThat(c.timerA()).isEqualTo(500);
        assertThat(c.timerB()).isEqualTo(32_000);
        assertThat(c.timerD(false)).isEqualTo(32_000);
        assertThat(c.timerD(true)).isZero();
        assertThat(c.timerE()).isEqualTo(500);
        assertThat(c.timerF()).isEqualTo(32_000);
        assertThat(c.timerG()).isEqualTo(500);
        assertThat(c.timerH()).isEqualTo(32_000);
        assertThat(c.timerI(false)).isEqualTo(5000);
        assertThat(c.timerI(true)).isZero();
        assertThat(c.timerJ(false)).isEqualTo(32_000);
        assertThat(c.timerJ(true)).isZero();
        assertThat(c.timerK(false)).isEqualTo(5000);
        assertThat(c.timerK(true)).isZero();
        assertThat(c.timerL()).isEqualTo(32_000);
        assertThat(c.timerM()).isEqualTo(32_000);
        assertThat(c.provisionalDelay()).isEqualTo(200);
    }

    @Test
    void timersDeriveFromT1T2T4() {
        TransactionConfig c = TransactionConfig.builder()
                .t1(Duration.ofSeconds(1)).t2(Duration.ofSeconds(8)).t4(Duration.ofSeconds(10)).build();

        assertThat(c.timerB()).isEqualTo(64_000);
        assertThat(c.timerD(false)).as("follows H once 64·T1 exceeds 32 s").isEqualTo(64_000);
        assertThat(c.timerK(false)).isEqualTo(10_000);
        assertThat(c.nonInviteServerGuard()).isEqualTo(74_000);

        TransactionConfig small = TransactionConfig.builder().t1(Duration.ofMillis(100)).build();
        assertThat(small.timerD(false)).as("never below 32 s").isEqualTo(32_000);
    }

    @Test
    void rejectsInconsistentValues() {
        assertThatThrownBy(() -> TransactionConfig.builder().t1(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionConfig.builder().t1(Duration.ofSeconds(5)).t2(Duration.ofSeconds(4)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("T2");
        assertThatThrownBy(() -> TransactionConfig.builder().maxLiveTransactions(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
