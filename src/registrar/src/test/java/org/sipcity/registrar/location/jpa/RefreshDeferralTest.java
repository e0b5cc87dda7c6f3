package org.sipcity.registrar.location.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class RefreshDeferralTest {

    private static final long S = 1_000_000_000L;   // seconds, as ms below
    private final RefreshDeferral lag25 = new RefreshDeferral(25, Duration.ofSeconds(1), Clock.systemUTC());

    private static long at(long seconds) {
        return (S + seconds) * 1000;
    }

    @Test
    void looks_ten_seconds_or_two_intervals_ahead_and_keeps_three_times_that() {
        assertThat(lag25.lookaheadMillis()).isEqualTo(10_000);
        assertThat(lag25.guardMillis()).isEqualTo(30_000);
        RefreshDeferral slow = new RefreshDeferral(25, Duration.ofSeconds(30), Clock.systemUTC());
        assertThat(slow.lookaheadMillis()).isEqualTo(60_000);
        assertThat(slow.guardMillis()).isEqualTo(180_000);
    }

    @Test
    void a_row_may_stay_while_it_keeps_the_share_of_the_remaining_life() {
        // row until 3,600, binding until 3,660, seen from 3,410: 190 s >= 0.75 x 250 s
        assertThat(lag25.mayDefer(at(3600), at(3600), at(3660), at(3410))).isTrue();
        // from 3,425: 175 s < 0.75 x 235 s
        assertThat(lag25.mayDefer(at(3600), at(3600), at(3660), at(3425))).isFalse();
        // exactly 75%
        assertThat(lag25.mayDefer(at(750), at(750), at(1000), at(0))).isTrue();
        assertThat(lag25.mayDefer(at(749), at(749), at(1000), at(0))).isFalse();
    }

    @Test
    void a_row_near_its_end_or_that_would_outlive_its_binding_is_written() {
        assertThat(lag25.mayDefer(at(30), at(30), at(31), at(0))).as("30 s left: the guard").isTrue();
        assertThat(lag25.mayDefer(at(29), at(29), at(30), at(0))).isFalse();
        assertThat(lag25.mayDefer(at(3600), at(3600), at(3599), at(0))).as("a shorter lifetime").isFalse();
        assertThat(lag25.mayDefer(at(3600), at(3600) + 999, at(3600) + 500, at(0)))
                .as("an expiry known to the second may be later than the binding's").isFalse();
        assertThat(lag25.mayDefer(at(3600), at(3600), at(3600), at(0))).as("only Call-ID and CSeq changed").isTrue();
    }

    @Test
    void a_deferred_row_falls_due_when_the_flushs_horizon_passes_the_last_one_it_may_stay_until() {
        // row until 3,600, binding until 3,660: the share fails from the horizon 3,420 s on (4 x 3,600 - 3 x 3,660)
        assertThat(lag25.writeDueAt(at(3600), at(3600), at(3660))).isEqualTo(at(3420) - 10_000 + 1);
        // near its end the guard comes first: row until 100 s, binding until 101 s -> last horizon 70 s
        assertThat(lag25.writeDueAt(at(100), at(100), at(101))).isEqualTo(at(70) - 10_000 + 1);
        assertThat(lag25.writeDueAt(at(3600), at(3600), at(3599))).as("a shorter lifetime: due at once")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(new RefreshDeferral(0, Duration.ofSeconds(1), Clock.systemUTC())
                .writeDueAt(at(3600), at(3600), at(3660))).isEqualTo(Long.MIN_VALUE);
        // against mayDefer itself, for many rows and lags: allowed up to the due time, refused from it on
        java.util.Random random = new java.util.Random(6);
        for (int lag = 1; lag <= RefreshDeferral.MAX_LAG_PERCENT; lag++) {
            RefreshDeferral rule = new RefreshDeferral(lag, Duration.ofMillis(1 + random.nextInt(30_000)),
                    Clock.systemUTC());
            for (int i = 0; i < 200; i++) {
                long from = at(random.nextInt(100_000)) + random.nextInt(1000);
                long to = random.nextBoolean() ? from : from + 999;
                long expiry = to + random.nextInt(200_000_000);
                long due = rule.writeDueAt(from, to, expiry);
                long lastHorizon = due - 1 + rule.lookaheadMillis();
                assertThat(rule.mayDefer(from, to, expiry, lastHorizon)).as("lag %d, row %d", lag, i).isTrue();
                assertThat(rule.mayDefer(from, to, expiry, lastHorizon + 1)).as("lag %d, row %d", lag, i).isFalse();
            }
        }
    }

    @Test
    void zero_defers_nothing_and_more_than_half_is_refused() {
        RefreshDeferral none = new RefreshDeferral(0, Duration.ofSeconds(1), Clock.systemUTC());
        assertThat(none.isActive()).isFalse();
        assertThat(none.mayDefer(at(3600), at(3600), at(3601), at(0))).isFalse();
        assertThat(RefreshDeferral.NONE.isActive()).isFalse();
        assertThat(new RefreshDeferral(50, Duration.ofSeconds(1), Clock.systemUTC())
                .mayDefer(at(1800), at(1800), at(3600), at(0))).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> new RefreshDeferral(51, Duration.ofSeconds(1),
                Clock.systemUTC())).withMessageContaining("0 to 50");
        assertThatIllegalArgumentException().isThrownBy(() -> new RefreshDeferral(-1, Duration.ofSeconds(1),
                Clock.systemUTC()));
    }
}
