package org.sipcity.registrar.registration;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The SIP-date of the Date header: RFC 3261 §20.17 / §25.1 rfc1123-date, always "GMT", two-digit day
 * ({@code DateTimeFormatter.RFC_1123_DATE_TIME} writes a one-digit day, which the grammar does not allow).
 * The text of the last second formatted is kept: every 200 to a REGISTER carries a Date, and at thousands per
 * second formatting each one showed in the profile (tests/bench README).
 */
final class HttpDates {

    private static final DateTimeFormatter SIP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static volatile FormattedSecond last = new FormattedSecond(Long.MIN_VALUE, "");

    private HttpDates() {
    }

    static String format(Instant instant) {
        long second = instant.getEpochSecond();
        FormattedSecond cached = last;
        if (cached.second() == second) {
            return cached.text();
        }
        String text = SIP_DATE.format(instant);
        last = new FormattedSecond(second, text);
        return text;
    }

    /** One immutable pair, so a reader never sees a second with another second's text. */
    private record FormattedSecond(long second, String text) {
    }
}
