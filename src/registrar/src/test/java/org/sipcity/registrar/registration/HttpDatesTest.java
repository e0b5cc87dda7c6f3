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
}
