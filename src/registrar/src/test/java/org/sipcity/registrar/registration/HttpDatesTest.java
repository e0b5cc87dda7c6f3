package org.sipcity.registrar.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class HttpDatesTest {

    @Test
    void sip_date_has_a_two_digit_day_and_gmt() {
        assertThat(HttpDates.format(Instant.parse("2026-11-05T07:08:09Z"))).isEqualTo("Thu, 05 Nov 2026 07:08:09 GMT");
        assertThat(HttpDates.format(Instant.parse("2026-11-25T12:00:00Z"))).isEqualTo("Wed, 25 Nov 2026 12:00:00 GMT");
    }

    @Test
    void the_text_of_the_last_second_is_reused_only_within_that_second() {
        Instant first = Instant.parse("2026-11-25T12:00:00.100Z");
        assertThat(HttpDates.format(first)).isEqualTo("Wed, 25 Nov 2026 12:00:00 GMT");
        assertThat(HttpDates.format(first.plusMillis(899))).isEqualTo("Wed, 25 Nov 2026 12:00:00 GMT");
        assertThat(HttpDates.format(first.plusMillis(900))).isEqualTo("Wed, 25 Nov 2026 12:00:01 GMT");
        assertThat(HttpDates.format(first)).isEqualTo("Wed, 25 Nov 2026 12:00:00 GMT");
    }
}
